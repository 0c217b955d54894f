"""The Store port's contract: SQLite and PostgreSQL behave the same (every test runs on both stores)."""

from dataclasses import replace
import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.domain import Actor, Argument, ArgumentVote, Debate, Endorsement, Job, Position, Side, SpaceRef, State
from bot.errors import StoreUnavailable
from bot.jobs import phase_end
from bot.messages import Message, Outgoing, Receipt
from bot.rules import new_debate
from storage.schema import SchemaTooNew

T0 = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


class Rollback(Exception):
    """Raised at the end of a unit of work to leave it without committing."""


async def rolled_back(store, work) -> None:
    async def then_undo(uow):
        await work(uow)
        raise Rollback

    with pytest.raises(Rollback):
        await store.transact(then_undo)


async def space(store, name="guild-1"):
    return await store.transact(lambda uow: uow.space(SpaceRef("test", name, name.title()), T0))


async def debate(store, space_id, channel="general") -> Debate:
    sides = (Side("pause", "Pause"), Side("go-faster", "Go faster"))
    fresh = new_debate(space_id, "Frontier labs should pause", sides, Settings().format("quick"), channel,
                       Actor("maya", "Maya", True), T0)
    return await store.transact(lambda uow: uow.add_debate(fresh))


def out(debate_id, text, **kw) -> Outgoing:
    return Outgoing(Message(text), "general", debate_id, **kw)


async def enqueue(store, space_id, *items: Outgoing) -> list[int]:
    async def work(uow):
        return [await uow.enqueue(space_id, item, T0) for item in items]

    return await store.transact(work)


async def claim_due(store, now, worker):
    return await store.transact(lambda uow: uow.claim_due(now, worker, now + LEASE))


async def claim_outbox(store, now, claim):
    return await store.transact(lambda uow: uow.claim_outbox(now, claim, now + LEASE))


async def delivered(store, item_id, receipt):
    await store.transact(lambda uow: uow.delivered(item_id, receipt, T0))


async def next_due_at(store):
    return await store.transact(lambda uow: uow.next_due_at())


async def next_outbox_at(store):
    return await store.transact(lambda uow: uow.next_outbox_at())


# ---- spaces, numbering, scoping ---------------------------------------------------------------------------


async def test_space_is_got_or_created(store):
    first, again, other = await space(store), await space(store), await space(store, "guild-2")
    assert first == again and first.name == "Guild-1"
    assert other.id != first.id


async def test_numbers_are_per_space_and_per_debate(store):
    a, b = await space(store), await space(store, "guild-2")
    d1, d2, e1 = await debate(store, a.id), await debate(store, a.id), await debate(store, b.id)
    assert (d1.number, d2.number, e1.number) == (1, 2, 1)

    async def work(uow):
        args = [await uow.add_argument(Argument(d.id, 0, "ada", "Ada", "pause", 1, f"point {i}", T0))
                for i, d in enumerate((d1, d1, d2))]
        assert [x.number for x in args] == [1, 2, 1]
        assert (await uow.debate(a.id, 1)).id == d1.id
        assert (await uow.debate(b.id, 1)).id == e1.id
        assert await uow.debate(b.id, 2) is None  # debate #2 exists only in the other space
        assert [d.number for d in await uow.debates(a.id)] == [1, 2]
        assert [d.number for d in await uow.debates(a.id, [State.CLOSED])] == []

    await store.transact(work)


async def test_nothing_is_kept_when_the_work_raises(store):
    a = await space(store)
    fresh = new_debate(a.id, "m", (Side("x", "X"), Side("y", "Y")), Settings().format("quick"), "general",
                       Actor("maya", "Maya", True), T0)
    await rolled_back(store, lambda uow: uow.add_debate(fresh))
    assert await store.transact(lambda uow: uow.debates(a.id)) == []


async def test_units_that_arrive_together_succeed_or_fail_alone(store):
    """Under group commit several units share a transaction; one that raises must undo only itself."""
    a = await space(store)
    d = await debate(store, a.id)

    async def post(uow, i):
        await uow.add_argument(Argument(d.id, 0, f"m{i}", f"M{i}", "pause", 1, f"point {i}", T0))
        if i % 3 == 0:
            raise Rollback
        return i

    outcomes = await asyncio.gather(*(store.transact(lambda uow, i=i: post(uow, i)) for i in range(12)),
                                    return_exceptions=True)
    assert [isinstance(o, Rollback) for o in outcomes] == [i % 3 == 0 for i in range(12)]
    kept = await store.transact(lambda uow: uow.arguments(d.id))
    assert sorted(x.author_id for x in kept) == sorted(f"m{i}" for i in range(12) if i % 3)


async def test_a_refusal_or_a_database_error_in_a_group_undoes_only_its_own_unit(store):
    """Refused before writing, refused after writing (a write still held back for the group's statement),
    or failing in the database itself: each outcome reaches only its own caller; the others are kept."""
    a = await space(store)
    d = await debate(store, a.id)

    async def vote(uow, i):
        if i % 4 == 0:
            raise Rollback  # refused before it wrote anything
        await uow.append_position(Position(d.id, f"m{i}", f"M{i}", "pause", None, None, None, 0, T0))
        if i % 4 == 1:
            raise Rollback  # refused after writing
        if i % 4 == 2:  # the database refuses a write (a key that may not be NULL)
            await uow.db.run("INSERT INTO events (space_id, key, result, created_at) VALUES ($1, NULL, '', $2)",
                             a.id, T0)
        return i

    outcomes = await asyncio.gather(*(store.transact(lambda uow, i=i: vote(uow, i)) for i in range(16)),
                                    return_exceptions=True)
    assert [type(o).__name__ for o in outcomes[:4]][:2] == ["Rollback", "Rollback"]
    assert all(isinstance(o, Exception) and not isinstance(o, Rollback) for o in outcomes[2::4])
    assert outcomes[3::4] == [3, 7, 11, 15]
    kept = await store.transact(lambda uow: uow.positions(d.id))
    assert sorted(p.member_id for p in kept) == sorted(f"m{i}" for i in (3, 7, 11, 15))

    async def second(uow, i):  # refusals that wrote nothing need no rollback of the others
        if i % 2:
            raise Rollback
        await uow.append_position(Position(d.id, f"n{i}", f"N{i}", "pause", None, None, None, 0, T0))
        return i

    outcomes = await asyncio.gather(*(store.transact(lambda uow, i=i: second(uow, i)) for i in range(8)),
                                    return_exceptions=True)
    assert [isinstance(o, Rollback) for o in outcomes] == [bool(i % 2) for i in range(8)]
    kept = await store.transact(lambda uow: uow.positions(d.id))
    assert sorted(p.member_id for p in kept if p.member_id[0] == "n") == ["n0", "n2", "n4", "n6"]


async def test_a_debate_round_trips_with_its_times(store):
    a = await space(store)
    d = await debate(store, a.id)
    d.state, d.phase, d.phase_ends_at, d.pre_vote_closed_at = State.ROUND, 1, T0 + timedelta(minutes=25), T0
    d.thread_id = "t-1"
    await store.transact(lambda uow: uow.save_debate(d))

    async def read(uow):
        assert await uow.debate_by_id(d.id) == d
        assert (await uow.debate_in_thread(a.id, "t-1")).id == d.id
        other = await uow.space(SpaceRef("test", "guild-2"), T0)
        assert await uow.debate_in_thread(other.id, "t-1") is None

    await store.transact(read)


# ---- idempotency, endorsements, positions --------------------------------------------------------------------


async def test_an_event_is_recorded_once_and_returns_the_first_result(store):
    a, b = await space(store), await space(store, "guild-2")
    assert await store.transact(lambda uow: uow.record_event(a.id, "evt-1", {"text": "first"}, T0)) is None
    again = await store.transact(lambda uow: uow.record_event(a.id, "evt-1", {"text": "second"}, T0))
    assert again == {"text": "first"}
    assert await store.transact(lambda uow: uow.record_event(b.id, "evt-1", {}, T0)) is None  # per space
    await rolled_back(store, lambda uow: uow.record_event(a.id, "evt-2", {"text": "lost"}, T0))
    assert await store.transact(lambda uow: uow.event_result(a.id, "evt-2")) is None  # rolled back: unknown


async def test_endorse_once_and_withdraw_once(store):
    d = await debate(store, (await space(store)).id)

    async def work(uow):
        await uow.add_argument(Argument(d.id, 0, "ada", "Ada", "pause", 1, "Weights cannot be un-trained.", T0))
        e = Endorsement(d.id, 1, "bo", "Bo", T0)
        assert await uow.endorse(e) is True
        assert await uow.endorse(e) is False
        assert await uow.endorsements(d.id) == [e]
        assert await uow.withdraw(d.id, 1, "bo") is True
        assert await uow.withdraw(d.id, 1, "bo") is False
        assert await uow.endorsements(d.id) == []

    await store.transact(work)


async def test_votes_are_append_only_and_the_agree_is_the_endorsement(store):
    d = await debate(store, (await space(store)).id)
    later = [T0 + timedelta(minutes=m) for m in range(4)]

    async def work(uow):
        await uow.add_argument(Argument(d.id, 0, "ada", "Ada", "pause", 1, "Weights cannot be un-trained.", T0))
        assert await uow.current_vote(d.id, 1, "bo") is None
        for vote, at in zip(("agree", "disagree", "withdrawn", "pass"), later):
            await uow.cast_vote(ArgumentVote(d.id, 1, "bo", "Bo", vote, at))
            if vote == "agree":  # the agree vote is the endorsement, in the same transaction
                assert [e.member_id for e in await uow.endorsements(d.id)] == ["bo"]
            else:
                assert await uow.endorsements(d.id) == []
            assert await uow.current_vote(d.id, 1, "bo") == (None if vote == "withdrawn" else vote)
        await uow.cast_vote(ArgumentVote(d.id, 1, "cy", "Cy", "agree", later[0]))
        every = await uow.votes(d.id)
        assert [(v.member_id, v.vote, v.created_at) for v in every] == [
            ("bo", "agree", later[0]), ("bo", "disagree", later[1]), ("bo", "withdrawn", later[2]),
            ("bo", "pass", later[3]), ("cy", "agree", later[0])]  # every change kept, in order
        assert await uow.current_vote(d.id, 1, "cy") == "agree"
        erased = await uow.erase_member(d.space_id, "bo", "a former member", "(removed)")
        assert "Bo" in erased["names"]
        assert [v.member_id for v in await uow.votes(d.id)] == ["cy"]  # forget-me takes the votes too

    await store.transact(work)


async def test_positions_are_append_only_in_order(store):
    d = await debate(store, (await space(store)).id)
    entries = [("ada", "pause", 70), ("bo", "go-faster", None), ("ada", "go-faster", 40), ("ada", "pause", 90)]

    async def append(uow):
        return [await uow.append_position(Position(d.id, who, who.title(), side, conf, None, None, 0,
                                                   T0 + timedelta(seconds=i)))
                for i, (who, side, conf) in enumerate(entries)]

    given = await store.transact(append)

    async def read(uow):
        stored = await uow.positions(d.id)
        # the store numbers them (seq) in the order they were logged; the rest is what was given
        assert [p.seq for p in stored] == sorted({p.seq for p in stored}) and stored[0].seq > 0
        assert [replace(p, seq=0) for p in stored] == [replace(p, seq=0) for p in given]
        assert [p.side for p in await uow.positions(d.id, "ada")] == ["pause", "go-faster", "pause"]
        assert [p.confidence for p in await uow.positions(d.id, "ada")] == [70, 40, 90]
        assert await uow.latest_position(d.id, "ada") == stored[-1]
        assert await uow.latest_position(d.id, "cy") is None

    await store.transact(read)


async def test_tally_counts_each_member_by_latest_position(store):
    s = await space(store)
    d = await debate(store, s.id)

    async def work(uow):
        assert await uow.tally(d.id) == ({}, 0)
        for seq, (member, side) in enumerate([("ada", "pause"), ("bo", "pause"), ("ada", "go-faster"),
                                              ("cy", "undecided")]):
            await uow.append_position(Position(d.id, member, member, side, None, None, None, 0,
                                               T0 + timedelta(seconds=seq)))
        await uow.add_argument(Argument(d.id, 0, "ada", "Ada", "pause", 1, "point", T0))
        assert await uow.tally(d.id) == ({"pause": 1, "go-faster": 1, "undecided": 1}, 1)

    await store.transact(work)


# ---- the agenda ------------------------------------------------------------------------------------------


async def schedule(store, d, phase=0, at=T0):
    return await store.transact(lambda uow: uow.schedule(phase_end(d.id, d.space_id, phase, at)))


async def finish(store, job_id, now=T0) -> bool:
    return await store.transact(lambda uow: uow.finish_due(job_id, now))


async def test_due_work_is_claimed_with_a_lease_and_finished_once(store):
    d = await debate(store, (await space(store)).id)
    await schedule(store, d, at=T0 + timedelta(minutes=5))
    assert await next_due_at(store) == T0 + timedelta(minutes=5)
    assert await claim_due(store, T0, "w1") == []  # not due yet
    now = T0 + timedelta(minutes=5)
    (job,) = await claim_due(store, now, "w1")
    assert (job.kind, job.debate_id, job.phase, job.due_at) == ("phase_end", d.id, 0, now)
    assert await claim_due(store, now, "w2") == []  # leased to w1
    assert await next_due_at(store) == now + LEASE  # when the lease would run out
    later = now + LEASE + timedelta(seconds=1)
    (again,) = await claim_due(store, later, "w2")  # w1 died: its claim is taken over
    assert again.id == job.id
    assert await finish(store, job.id) is True
    assert await finish(store, job.id) is False  # the other worker finds it done
    assert await claim_due(store, later + timedelta(hours=1), "w3") == []
    assert await next_due_at(store) is None


async def test_a_job_without_a_debate_carries_its_payload_and_fires_once(store):
    s = await space(store)
    job = Job("scheduled_prompt", T0, s.id, "schedule:7:2026-11-23T18:00", payload={"schedule": 7})
    assert await store.transact(lambda uow: uow.schedule(job)) is True
    assert await store.transact(lambda uow: uow.schedule(job)) is False  # the same kind and key is pending
    (claimed,) = await claim_due(store, T0, "w1")
    assert (claimed.kind, claimed.debate_id, claimed.phase, claimed.payload) == (job.kind, None, None, {"schedule": 7})
    assert await finish(store, claimed.id) is True
    assert await finish(store, claimed.id) is False
    assert await store.transact(lambda uow: uow.schedule(job)) is True  # done: the key may be used again


async def test_due_work_comes_in_order_and_unschedule_drops_it(store):
    a = await space(store)
    d1, d2 = await debate(store, a.id), await debate(store, a.id)
    await schedule(store, d1, at=T0 + timedelta(minutes=2))
    await schedule(store, d2, at=T0 + timedelta(minutes=1))
    await rolled_back(store, lambda uow: uow.unschedule(d1.id))
    peek = T0 + timedelta(hours=1)
    assert [j.debate_id for j in await claim_due(store, peek, "peek")] == [d2.id, d1.id]  # rolled back: there
    later = peek + LEASE * 2
    await store.transact(lambda uow: uow.unschedule(d1.id, "phase_end"))
    assert [j.debate_id for j in await claim_due(store, later, "w1")] == [d2.id]


async def test_a_finished_deadline_may_be_scheduled_again(store):
    d = await debate(store, (await space(store)).id)
    await schedule(store, d)
    (job,) = await claim_due(store, T0, "w1")
    assert await finish(store, job.id)
    assert await schedule(store, d) is True  # the same (debate, phase) again, e.g. after /debate extend
    assert len(await claim_due(store, T0, "w1")) == 1


# ---- outbox --------------------------------------------------------------------------------------------------


async def test_outbox_heads_per_stream_in_order(store):
    a = await space(store)
    d1, d2 = await debate(store, a.id), await debate(store, a.id)
    first, second, other = await enqueue(store, a.id, out(d1.id, "one"), out(d1.id, "two"), out(d2.id, "three"))
    heads = await claim_outbox(store, T0, "w1#1")
    assert [(i.id, i.out.message.text) for i in heads] == [(first, "one"), (other, "three")]
    assert heads[0].space == a and heads[0].stream == f"debate:{d1.id}"
    assert await claim_outbox(store, T0, "w2#1") == []  # "two" waits for "one", which w1 holds
    assert await next_outbox_at(store) == T0 + LEASE
    await delivered(store, first, Receipt("m1"))
    assert [i.id for i in await claim_outbox(store, T0, "w2#2")] == [second]


async def test_a_failed_head_is_retried_later_and_blocks_its_stream_meanwhile(store):
    a = await space(store)
    d = await debate(store, a.id)
    first, second = await enqueue(store, a.id, out(d.id, "one"), out(d.id, "two"))
    (head,) = await claim_outbox(store, T0, "w1#1")
    retry = T0 + timedelta(seconds=4)
    await store.transact(lambda uow: uow.delivery_failed(head.id, "HTTP 503", T0, retry))
    assert await claim_outbox(store, T0 + timedelta(seconds=1), "w1#2") == []
    assert await next_outbox_at(store) == retry
    (again,) = await claim_outbox(store, retry, "w1#3")
    assert (again.id, again.attempts) == (first, 1)
    await store.transact(lambda uow: uow.delivery_failed(first, "channel deleted", retry, None))  # for good
    assert [i.id for i in await claim_outbox(store, retry, "w1#4")] == [second]


async def test_a_delivery_whose_outcome_is_unknown_is_marked_retried_when_claimed_again(store):
    a = await space(store)
    d = await debate(store, a.id)
    (first,) = await enqueue(store, a.id, out(d.id, "one"))
    (head,) = await claim_outbox(store, T0, "w1#1")
    assert (head.tries, head.retried, head.created_at) == (1, False, T0)
    later = T0 + timedelta(seconds=4)
    await store.transact(lambda uow: uow.delivery_failed(first, "429", T0, later, unsent=True))
    (again,) = await claim_outbox(store, later, "w1#2")
    assert not again.retried  # the platform refused the first attempt: nothing of it can be out there
    # the process dies mid-send: its lease runs out and another process claims the message
    (taken,) = await claim_outbox(store, later + LEASE + timedelta(seconds=1), "w2#1")
    assert taken.retried and taken.key(0) == again.key(0) != f"{first}.0"
    await store.transact(lambda uow: uow.delivery_failed(first, "timed out", later, later, unsent=True))
    (still,) = await claim_outbox(store, later + LEASE * 2, "w2#2")
    assert still.retried  # a later refusal does not forget the earlier attempt of unknown outcome


async def test_a_message_drawn_when_sent_is_queued_once_until_claimed(store):
    a = await space(store)
    d = await debate(store, a.id)
    (card,) = await enqueue(store, a.id, out(d.id, "card", subject=("card", d.id)))
    edit = Outgoing(None, "general", d.id, subject=("card", d.id), coalesce_key=f"card:{d.id}", render="card")

    async def refresh(uow):
        return await uow.refresh(a.id, edit, T0)

    other = Outgoing(None, "general", d.id, subject=("card", d.id + 1), coalesce_key="card:x", render="card")
    await store.transact(lambda uow: uow.refresh(a.id, other, T0))  # no such card posted: nothing queued
    await store.transact(refresh)
    await store.transact(refresh)  # a burst of changes: one pending edit
    await claim_outbox(store, T0, "w1#1")
    await delivered(store, card, Receipt("m-card"))
    (claimed,) = await claim_outbox(store, T0, "w1#2")
    assert (claimed.out.message, claimed.out.render, claimed.edit_message_id) == (None, "card", "m-card")
    await store.transact(refresh)  # the claimed edit may be on its way: a new one is queued after it
    await delivered(store, claimed.id, Receipt("m-card"))
    (again,) = await claim_outbox(store, T0, "w1#3")
    assert again.id != claimed.id and again.edit_message_id == "m-card"
    await delivered(store, again.id, Receipt("m-card"))
    assert await claim_outbox(store, T0, "w1#4") == []  # no second edit of the burst, none of `other`


async def test_an_edit_queued_in_a_group_is_not_lost_to_a_post_or_a_claim_in_the_same_group(store):
    """Units that arrive together share a transaction, and a repeat of a pending edit is skipped there:
    never when, in between, the post to edit was queued or the pending edit was claimed."""
    a = await space(store)
    d = await debate(store, a.id)
    edit = Outgoing(None, "general", d.id, subject=("card", d.id), coalesce_key=f"card:{d.id}", render="card")
    pending = ("SELECT COUNT(*) FROM outbox WHERE coalesce_key = $1 AND delivered_at IS NULL "
               "AND claimed_by IS NULL")

    async def refresh(uow):
        await uow.refresh(a.id, edit, T0)

    async def post(uow):
        return await uow.enqueue(a.id, out(d.id, "card", subject=("card", d.id)), T0)

    _, card, _ = await asyncio.gather(store.transact(refresh), store.transact(post), store.transact(refresh))
    assert await store.transact(lambda uow: uow.db.value(pending, edit.coalesce_key)) == 1
    await claim_outbox(store, T0, "w1#1")
    await delivered(store, card, Receipt("m-card"))
    claims = await asyncio.gather(store.transact(refresh), claim_outbox(store, T0, "w1#2"),
                                  store.transact(refresh))
    assert [c.edit_message_id for c in claims[1]] == ["m-card"]  # the first edit went out...
    assert await store.transact(lambda uow: uow.db.value(pending, edit.coalesce_key)) == 1  # ...one follows


async def test_delivering_the_thread_opener_sets_the_debates_thread(store):
    a, b = await space(store), await space(store, "guild-2")
    d = await debate(store, a.id)
    card, arg = await enqueue(store, a.id, out(d.id, "card", open_thread="Debate #1", subject=("card", d.id)),
                              out(d.id, "argument", in_thread=True, subject=("argument", 1)))
    (head,) = await claim_outbox(store, T0, "w1#1")
    assert head.thread_id is None
    await delivered(store, card, Receipt("m1", "thread-9"))
    (item,) = await claim_outbox(store, T0, "w1#2")
    assert (item.id, item.thread_id) == (arg, "thread-9")
    await delivered(store, arg, Receipt("m2"))

    async def read(uow):
        assert (await uow.debate_in_thread(a.id, "thread-9")).id == d.id
        assert await uow.outbox_id_of(a.id, ("card", d.id)) == card
        assert await uow.outbox_id_of(b.id, ("card", d.id)) is None
        assert await uow.subject_of(a.id, "m2") == ("argument", 1, d.id)
        assert await uow.subject_of(b.id, "m2") is None  # another community's message id means nothing here

    await store.transact(read)


# ---- shutdown: a worker gives its claims back -----------------------------------------------------------------


async def test_released_claims_can_be_taken_at_once_and_only_the_workers_own_are_released(store):
    a = await space(store)
    d1, d2, d3 = await debate(store, a.id), await debate(store, a.id), await debate(store, a.id)
    await schedule(store, d1)
    (job,) = await claim_due(store, T0, "w1")
    await schedule(store, d2)
    (theirs,) = await claim_due(store, T0, "w1x")  # another worker whose name starts the same
    (mine,) = await enqueue(store, a.id, out(d1.id, "mine"))
    assert [i.id for i in await claim_outbox(store, T0, "w1#7")] == [mine]
    (done,) = await enqueue(store, a.id, out(d2.id, "sent"))
    assert [i.id for i in await claim_outbox(store, T0, "w1#8")] == [done]
    await delivered(store, done, Receipt("m1"))
    (other,) = await enqueue(store, a.id, out(d3.id, "theirs"))
    assert [i.id for i in await claim_outbox(store, T0, "w1x#1")] == [other]

    assert await store.transact(lambda uow: uow.release_claims("w1")) == 2  # one job, one undelivered message
    # another worker takes them now, long before the lease would have run out
    assert [j.id for j in await claim_due(store, T0, "w2")] == [job.id]
    assert [i.id for i in await claim_outbox(store, T0, "w2#1")] == [mine]
    assert await claim_due(store, T0, "w3") == [] and theirs.debate_id == d2.id  # w1x keeps its claims
    assert await claim_outbox(store, T0, "w3#1") == []
    assert await store.transact(lambda uow: uow.release_claims("w1")) == 0


async def test_the_outbox_backlog_counts_what_waits_and_when_the_oldest_was_queued(store):
    a = await space(store)
    d = await debate(store, a.id)
    assert await store.transact(lambda uow: uow.outbox_backlog()) == (0, None)
    first, _ = await enqueue(store, a.id, out(d.id, "one"), out(d.id, "two"))
    assert await store.transact(lambda uow: uow.outbox_backlog()) == (2, T0)
    await claim_outbox(store, T0, "w1#1")
    await delivered(store, first, Receipt("m1"))
    assert await store.transact(lambda uow: uow.outbox_backlog()) == (1, T0)


# ---- migrations and faults ---------------------------------------------------------------------------------


async def _record_version(store, version: int | None) -> None:
    """Write (or, with None, remove) a schema version from the future, straight into the database."""
    if hasattr(store, "path"):
        import aiosqlite

        async with aiosqlite.connect(store.path) as db:
            sql = ("INSERT INTO schema_migrations VALUES (?, 'future', '2099-01-01')" if version else
                   "DELETE FROM schema_migrations WHERE name = 'future'")
            await db.execute(sql, (version,) if version else ())
            await db.commit()
        return
    import asyncpg

    conn = await asyncpg.connect(store.url)
    try:
        if version:
            await conn.execute("INSERT INTO schema_migrations VALUES ($1, 'future', now())", version)
        else:
            await conn.execute("DELETE FROM schema_migrations WHERE name = 'future'")
    finally:
        await conn.close()


async def test_a_database_from_a_newer_version_is_refused(store):
    await store.close()
    await _record_version(store, 999)
    try:
        with pytest.raises(SchemaTooNew, match="schema version 999"):
            await store.open()
    finally:
        await _record_version(store, None)
    await store.open()  # the same database without the future version opens again


async def test_a_closed_store_raises_store_unavailable(store):
    await store.close()
    with pytest.raises(StoreUnavailable):
        await store.transact(lambda uow: uow.next_due_at())
    await store.open()


# ---- a community's record: exports in pages, secrets, the space's audit log, erasure ------------------


async def test_export_pages_cover_every_row_once_in_key_order_within_the_space(store):
    from bot.domain import AuditEntry

    a, b = await space(store, "guild-a"), await space(store, "guild-b")
    d, other = await debate(store, a.id), await debate(store, b.id)

    async def fill(uow):
        for n in range(7):
            await uow.add_argument(Argument(d.id, 0, f"m{n % 3}", f"M{n % 3}", "pause", 1, f"text {n}", T0))
            await uow.endorse(Endorsement(d.id, 1 + n % 2, f"m{n}", f"M{n}", T0))
        await uow.add_argument(Argument(other.id, 0, "x", "X", "pause", 1, "elsewhere", T0))
        await uow.audit(AuditEntry(None, "maya", "Maya", "export", "all", T0, a.id))

    await store.transact(fill)
    for table, expected in (("arguments", 7), ("endorsements", 7), ("debates", 1), ("audit", 1)):
        seen, cursor = [], None
        while True:
            names, rows, cursor = await store.transact(lambda uow, c=cursor: uow.export_page(a.id, table, c, 3))
            seen += [dict(zip(names, r)) for r in rows]
            if cursor is None:
                break
        assert len(seen) == expected, table
        if table == "arguments":
            assert [r["number"] for r in seen] == list(range(1, 8)) and seen[0]["created_at"] == T0
    assert await store.transact(lambda uow: uow.count_records(a.id)) == 14


async def test_export_text_pages_match_the_typed_pages_with_times_as_isoformat_writes_them(store):
    """The tabular exports' text rows: the same values as the typed pages, times as `isoformat` of UTC
    (with a fraction only when there is one), on every engine."""
    from bot.domain import AuditEntry

    a, b = await space(store, "guild-a"), await space(store, "guild-b")
    d, other = await debate(store, a.id), await debate(store, b.id)
    odd = T0 + timedelta(microseconds=120)

    async def fill(uow):
        for n in range(5):
            await uow.add_argument(Argument(d.id, 0, f"m{n}", f"Mé {n}", "pause", 1, f'say "{n}", ok', odd))
            await uow.endorse(Endorsement(d.id, 1, f"m{n}", f"M{n}", T0))
        await uow.add_argument(Argument(other.id, 0, "x", "X", "pause", 1, "elsewhere", T0))
        await uow.audit(AuditEntry(None, "maya", "Maya", "export", "all", T0, a.id))

    await store.transact(fill)
    width = {"arguments": 1, "endorsements": 3, "audit": 1}
    for table in width:
        typed, text, cursor = [], [], None
        while True:
            names, rows, cursor = await store.transact(
                lambda uow, c=cursor: uow.export_page(a.id, table, c, 2))
            typed += [tuple(v.isoformat() if isinstance(v, datetime) else v for n, v in zip(names, r)
                            if n not in ("id", "debate_id")) for r in rows]
            if cursor is None:
                break
        while True:
            rows, cursor = await store.transact(lambda uow, c=cursor: uow.export_text_page(a.id, table, c, 2))
            text += [tuple(r[width[table]:]) for r in rows]
            if cursor is None:
                break
        assert text == typed and text, table
    assert text[0][-1] == "2026-11-23T18:00:00+00:00"
    rows, _ = await store.transact(lambda uow: uow.export_text_page(a.id, "arguments", None, 10))
    assert rows[0][-1] == "2026-11-23T18:00:00.000120+00:00" and len(rows) == 5


async def test_a_space_secret_is_made_once_and_kept(store):
    s = await space(store)
    first = await store.transact(lambda uow: uow.space_secret(s.id, "one", T0))
    assert first == "one" and await store.transact(lambda uow: uow.space_secret(s.id, "two", T0)) == "one"


async def test_erasing_a_member_and_scrubbing_bodies_that_name_them(store):
    s = await space(store)
    d = await debate(store, s.id)

    async def fill(uow):
        await uow.add_argument(Argument(d.id, 0, "u-77", "Quillon", "pause", 1, "My own words", T0))
        await uow.append_position(Position(d.id, "u-77", "Quillon", "pause", None, None, None, 0, T0))
        await uow.enqueue(s.id, out(d.id, "Quillon said: My own words"), T0)
        await uow.enqueue(s.id, out(None, "unrelated"), T0)  # another stream: both are heads

    await store.transact(fill)

    async def erase(uow):
        done = await uow.erase_member(s.id, "u-77", "(gone)", "(removed)")
        await uow.replace_argument(d.id, 1, "(removed)", True)
        return done, await uow.scrub(s.id, ["Quillon", "My own words"], "(scrubbed)")

    done, scrubbed = await store.transact(erase)
    assert done["names"] == ["Quillon"] and done["positions"] == 1 and scrubbed == 1
    arg = await store.transact(lambda uow: uow.argument(d.id, 1))
    assert (arg.text, arg.author_id, arg.author_name) == ("(removed)", "", "")
    texts = [i.out.message.text for i in await claim_outbox(store, T0, "c")]
    assert texts == ["(scrubbed)", "unrelated"]
async def test_erasing_a_member_reaches_ratings_motions_votes_reminders_schedules_and_the_engine(store):
    from bot.domain import Motion
    from bot.summaries import Rating

    s = await space(store)
    d = await debate(store, s.id)

    async def fill(uow):
        await uow.rate_steelman(Rating(d.id, "pause", "u-77", "Quillon", "pause", 4, "extractive", T0))
        mine = await uow.add_motion(Motion(0, s.id, 0, "Quillon's own motion", "u-77", "Quillon", "open", T0))
        theirs = await uow.add_motion(Motion(0, s.id, 0, "Another motion", "u-8", "Ann", "open", T0))
        await uow.upvote(s.id, theirs.id, "u-77", T0)
        await uow.upvote(s.id, mine.id, "u-8", T0)
        await uow.request_reminder(s.id, d.id, "u-77", T0)
        await uow.add_schedule(a_schedule(s.id, created_by="u-77", created_by_name="Quillon"))
        await uow.set_steelman_engine(s.id, "llm", "u-77", T0)

    await store.transact(fill)
    done = await store.transact(lambda uow: uow.erase_member(s.id, "u-77", "(gone)", "(removed)"))
    assert done["ratings"] == 1 and done["names"] == ["Quillon"] and done["texts"] == ["Quillon's own motion"]

    async def read(uow):
        return (await uow.steelman_ratings(d.id), await uow.open_motions(s.id),
                await uow.reminder_requests(s.id, d.id), await uow.schedules(s.id))

    ratings, motions, reminders, schedules = await store.transact(read)
    assert ratings == [] and reminders == [] and [sc.created_by for sc in schedules] == ["(gone)"]
    assert sorted((m.text, m.proposer_id, m.upvotes) for m in motions) == [
        ("(removed)", "(gone)", 1), ("Another motion", "u-8", 0)]
    assert await store.transact(lambda uow: uow.steelman_engine(s.id)) == "llm"  # the choice stays, unlinked


# ---- schedules, the motion queue, reminder requests -------------------------------------------------


def a_schedule(space_id, **kw):
    from bot.domain import Schedule

    fields = dict(id=0, space_id=space_id, number=0, cron="0 18 * * 5", zone="Europe/Berlin",
                  channel_id="general", format="oxford", source="queue", text="", state="active",
                  next_run_at=T0 + timedelta(days=4), note="", created_by="maya", created_by_name="Maya",
                  created_at=T0)
    return Schedule(**{**fields, **kw})


async def test_schedules_are_numbered_per_space_and_bound_to_it(store):
    one, two = (await space(store, "guild-1")).id, (await space(store, "guild-2")).id
    first = await store.transact(lambda uow: uow.add_schedule(a_schedule(one)))
    await store.transact(lambda uow: uow.add_schedule(a_schedule(two)))
    second = await store.transact(lambda uow: uow.add_schedule(a_schedule(one, cron="30 19 * * 1#1")))
    assert (first.number, second.number) == (1, 2)
    assert await store.transact(lambda uow: uow.schedule_of(two, 2)) is None
    found = await store.transact(lambda uow: uow.schedule_of(one, schedule_id=second.id))
    assert (found.cron, found.zone, found.next_run_at) == ("30 19 * * 1#1", "Europe/Berlin", T0 + timedelta(days=4))
    assert await store.transact(lambda uow: uow.schedule_of(two, schedule_id=second.id)) is None
    first.state, first.note, first.next_run_at = "paused", "channel gone", None
    await store.transact(lambda uow: uow.save_schedule(first))
    listed = await store.transact(lambda uow: uow.schedules(one))
    assert [(s.number, s.state, s.note, s.next_run_at) for s in listed] == [
        (1, "paused", "channel gone", None), (2, "active", "", T0 + timedelta(days=4))]
    assert await store.transact(lambda uow: uow.schedules(one, ("active",))) == [listed[1]]


async def test_a_cancelled_job_is_gone_only_in_its_own_space(store):
    one, two = (await space(store, "guild-1")).id, (await space(store, "guild-2")).id
    for sid in (one, two):
        await store.transact(lambda uow, sid=sid: uow.schedule(Job("scheduled_prompt", T0, sid, "schedule:1:x")))
    assert await store.transact(lambda uow: uow.cancel_job(one, "scheduled_prompt", "schedule:1:x")) is True
    assert await store.transact(lambda uow: uow.cancel_job(one, "scheduled_prompt", "schedule:1:x")) is False
    assert [j.space_id for j in await claim_due(store, T0, "w")] == [two]


async def test_the_motion_queue_ranks_by_upvotes_then_age_one_vote_per_member(store):
    from bot.domain import Motion

    one, two = (await space(store, "guild-1")).id, (await space(store, "guild-2")).id

    async def propose(sid, text, minutes):
        fresh = Motion(0, sid, 0, text, "ada", "Ada", "open", T0 + timedelta(minutes=minutes))
        return await store.transact(lambda uow: uow.add_motion(fresh))

    a, b, c = await propose(one, "A", 0), await propose(one, "B", 1), await propose(one, "C", 2)
    other = await propose(two, "elsewhere", 0)
    assert (a.number, c.number, other.number) == (1, 3, 1)
    votes = [(c, "bo"), (c, "cy"), (b, "bo"), (c, "bo")]
    done = [await store.transact(lambda uow, m=m, who=who: uow.upvote(one, m.id, who, T0)) for m, who in votes]
    assert done == [True, True, True, False]
    assert await store.transact(lambda uow: uow.upvote(two, a.id, "bo", T0)) is False  # not its space
    ranked = await store.transact(lambda uow: uow.open_motions(one))
    assert [(m.text, m.upvotes) for m in ranked] == [("C", 2), ("B", 1), ("A", 0)]
    assert await store.transact(lambda uow: uow.withdraw_upvote(one, c.id, "bo")) is True
    assert await store.transact(lambda uow: uow.close_motion(one, b.id, "used", T0, debate_id=None)) is True
    assert await store.transact(lambda uow: uow.close_motion(one, b.id, "rejected", T0)) is False
    assert await store.transact(lambda uow: uow.close_motion(two, a.id, "rejected", T0)) is False
    ranked = await store.transact(lambda uow: uow.open_motions(one))
    assert [(m.text, m.upvotes) for m in ranked] == [("C", 1), ("A", 0)]
    assert (await store.transact(lambda uow: uow.motion(one, 2))).state == "used"
    assert await store.transact(lambda uow: uow.motion(two, 2)) is None


async def test_reminder_requests_are_recorded_once_per_member(store):
    sid = (await space(store)).id
    d = await debate(store, sid)
    asks = [await store.transact(lambda uow, m=m: uow.request_reminder(sid, d.id, m, T0)) for m in "aba"]
    assert asks == [True, True, False]
    assert await store.transact(lambda uow: uow.reminder_requests(sid, d.id)) == ["a", "b"]
    other = (await space(store, "guild-2")).id
    assert await store.transact(lambda uow: uow.request_reminder(other, d.id, "c", T0)) is False
