"""The Store port's contract: SQLite and PostgreSQL behave the same (every test runs on both stores)."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import StoreUnavailable
from bot.domain import Argument, Debate, Endorsement, Position, SpaceRef, State
from bot.messages import Message, Outgoing, Receipt
from bot.rules import new_debate
from bot.config import Settings
from bot.domain import Actor, Side
from storage.schema import SchemaTooNew

T0 = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
LEASE = 30


async def space(store, name="guild-1"):
    async with store.unit_of_work() as uow:
        found = await uow.space(SpaceRef("test", name, name.title()))
        await uow.commit()
    return found


async def debate(store, space_id, channel="general") -> Debate:
    sides = (Side("pause", "Pause"), Side("go-faster", "Go faster"))
    fresh = new_debate(space_id, "Frontier labs should pause", sides, Settings().format("quick"), channel,
                       Actor("maya", "Maya", True), T0)
    async with store.unit_of_work() as uow:
        added = await uow.add_debate(fresh)
        await uow.commit()
    return added


def out(debate_id, text, **kw) -> Outgoing:
    return Outgoing(Message(text), "general", debate_id, **kw)


async def enqueue(store, space_id, *items: Outgoing) -> list[int]:
    async with store.unit_of_work() as uow:
        ids = [await uow.enqueue(space_id, item, T0) for item in items]
        await uow.commit()
    return ids


# ---- spaces, numbering, scoping ---------------------------------------------------------------------------


async def test_space_is_got_or_created(store):
    first, again, other = await space(store), await space(store), await space(store, "guild-2")
    assert first == again and first.name == "Guild-1"
    assert other.id != first.id


async def test_numbers_are_per_space_and_per_debate(store):
    a, b = await space(store), await space(store, "guild-2")
    d1, d2, e1 = await debate(store, a.id), await debate(store, a.id), await debate(store, b.id)
    assert (d1.number, d2.number, e1.number) == (1, 2, 1)
    async with store.unit_of_work() as uow:
        args = [await uow.add_argument(Argument(d.id, 0, "ada", "Ada", "pause", 1, f"point {i}", T0))
                for i, d in enumerate((d1, d1, d2))]
        assert [x.number for x in args] == [1, 2, 1]
        assert (await uow.debate(a.id, 1)).id == d1.id
        assert (await uow.debate(b.id, 1)).id == e1.id
        assert await uow.debate(b.id, 2) is None  # debate #2 exists only in the other space
        assert [d.number for d in await uow.debates(a.id)] == [1, 2]
        assert [d.number for d in await uow.debates(a.id, [State.CLOSED])] == []
        await uow.commit()


async def test_nothing_is_kept_without_commit(store):
    a = await space(store)
    async with store.unit_of_work() as uow:
        await uow.add_debate(new_debate(a.id, "m", (Side("x", "X"), Side("y", "Y")), Settings().format("quick"),
                                        "general", Actor("maya", "Maya", True), T0))
    async with store.unit_of_work() as uow:
        assert await uow.debates(a.id) == []


async def test_a_debate_round_trips_with_its_times(store):
    a = await space(store)
    d = await debate(store, a.id)
    d.state, d.phase, d.phase_ends_at, d.pre_vote_closed_at = State.ROUND, 1, T0 + timedelta(minutes=25), T0
    d.thread_id = "t-1"
    async with store.unit_of_work() as uow:
        await uow.save_debate(d)
        await uow.commit()
    async with store.unit_of_work() as uow:
        again = await uow.debate_by_id(d.id)
        assert again == d
        assert (await uow.debate_in_thread(a.id, "t-1")).id == d.id
        assert await uow.debate_in_thread((await uow.space(SpaceRef("test", "guild-2"))).id, "t-1") is None


# ---- idempotency, endorsements, positions --------------------------------------------------------------------


async def test_claim_event_is_idempotent_and_returns_the_first_result(store):
    a, b = await space(store), await space(store, "guild-2")
    async with store.unit_of_work() as uow:
        assert await uow.claim_event(a.id, "evt-1") is None
        await uow.set_event_result(a.id, "evt-1", {"text": "first"})
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.claim_event(a.id, "evt-1") == {"text": "first"}
        assert await uow.claim_event(b.id, "evt-1") is None  # keys are scoped to their space
        await uow.commit()
    async with store.unit_of_work() as uow:  # a claim that was rolled back did not count
        assert await uow.claim_event(a.id, "evt-2") is None
    async with store.unit_of_work() as uow:
        assert await uow.claim_event(a.id, "evt-2") is None


async def test_endorse_once_and_withdraw_once(store):
    d = await debate(store, (await space(store)).id)
    async with store.unit_of_work() as uow:
        await uow.add_argument(Argument(d.id, 0, "ada", "Ada", "pause", 1, "Weights cannot be un-trained.", T0))
        e = Endorsement(d.id, 1, "bo", "Bo", T0)
        assert await uow.endorse(e) is True
        assert await uow.endorse(e) is False
        assert await uow.endorsements(d.id) == [e]
        assert await uow.withdraw(d.id, 1, "bo") is True
        assert await uow.withdraw(d.id, 1, "bo") is False
        assert await uow.endorsements(d.id) == []


async def test_positions_are_append_only_in_order(store):
    d = await debate(store, (await space(store)).id)
    entries = [("ada", "pause", 70), ("bo", "go-faster", None), ("ada", "go-faster", 40), ("ada", "pause", 90)]
    async with store.unit_of_work() as uow:
        stored = [await uow.append_position(Position(d.id, who, who.title(), side, conf, None, None, 0,
                                                     T0 + timedelta(seconds=i)))
                  for i, (who, side, conf) in enumerate(entries)]
        await uow.commit()
    assert [p.seq for p in stored] == sorted({p.seq for p in stored})
    async with store.unit_of_work() as uow:
        assert await uow.positions(d.id) == stored
        assert [p.side for p in await uow.positions(d.id, "ada")] == ["pause", "go-faster", "pause"]
        assert [p.confidence for p in await uow.positions(d.id, "ada")] == [70, 40, 90]


# ---- deadlines ---------------------------------------------------------------------------------------------


async def schedule(store, d, phase=0, at=T0):
    async with store.unit_of_work() as uow:
        await uow.schedule(d.space_id, d.id, "phase_end", phase, at)
        await uow.commit()


async def finish(store, item_id) -> bool:
    async with store.unit_of_work() as uow:
        done = await uow.finish_due(item_id)
        await uow.commit()
    return done


async def test_due_work_is_claimed_with_a_lease_and_finished_once(store):
    d = await debate(store, (await space(store)).id)
    await schedule(store, d, at=T0 + timedelta(minutes=5))
    assert await store.next_due_at() == T0 + timedelta(minutes=5)
    assert await store.claim_due(T0, "w1", LEASE) == []  # not due yet
    now = T0 + timedelta(minutes=5)
    (item,) = await store.claim_due(now, "w1", LEASE)
    assert (item.debate_id, item.phase, item.due_at) == (d.id, 0, now)
    assert await store.claim_due(now, "w2", LEASE) == []  # leased to w1
    assert await store.next_due_at() == now + timedelta(seconds=LEASE)  # when the lease would run out
    later = now + timedelta(seconds=LEASE + 1)
    (again,) = await store.claim_due(later, "w2", LEASE)  # w1 died: its claim is taken over
    assert again.id == item.id
    assert await finish(store, item.id) is True
    assert await finish(store, item.id) is False  # the other worker finds it done
    assert await store.claim_due(later + timedelta(hours=1), "w3", LEASE) == []
    assert await store.next_due_at() is None


async def test_due_work_comes_in_order_and_unschedule_drops_it(store):
    a = await space(store)
    d1, d2 = await debate(store, a.id), await debate(store, a.id)
    await schedule(store, d1, at=T0 + timedelta(minutes=2))
    await schedule(store, d2, at=T0 + timedelta(minutes=1))
    async with store.unit_of_work() as uow:
        await uow.unschedule(d1.id)
    assert len(await store.claim_due(T0 + timedelta(hours=1), "peek", 0.001)) == 2  # rolled back: still there
    later = T0 + timedelta(hours=2)
    async with store.unit_of_work() as uow:
        await uow.unschedule(d1.id)
        await uow.commit()
    assert [i.debate_id for i in await store.claim_due(later, "w1", LEASE)] == [d2.id]


async def test_a_finished_deadline_may_be_scheduled_again(store):
    d = await debate(store, (await space(store)).id)
    await schedule(store, d)
    (item,) = await store.claim_due(T0, "w1", LEASE)
    assert await finish(store, item.id)
    await schedule(store, d)  # the same (debate, kind, phase) again, e.g. after /debate extend
    assert len(await store.claim_due(T0, "w1", LEASE)) == 1


# ---- outbox --------------------------------------------------------------------------------------------------


async def test_outbox_heads_per_stream_in_order(store):
    a = await space(store)
    d1, d2 = await debate(store, a.id), await debate(store, a.id)
    first, second, other = await enqueue(store, a.id, out(d1.id, "one"), out(d1.id, "two"), out(d2.id, "three"))
    heads = await store.claim_outbox(T0, "w1", LEASE)
    assert [(i.id, i.out.message.text) for i in heads] == [(first, "one"), (other, "three")]
    assert heads[0].space == a and heads[0].stream == f"debate:{d1.id}"
    assert await store.claim_outbox(T0, "w2", LEASE) == []  # "two" waits for "one", which w1 holds
    assert await store.next_outbox_at() == T0 + timedelta(seconds=LEASE)
    await store.delivered(first, Receipt("m1"), T0)
    assert [i.id for i in await store.claim_outbox(T0, "w2", LEASE)] == [second]


async def test_a_failed_head_is_retried_later_and_blocks_its_stream_meanwhile(store):
    a = await space(store)
    d = await debate(store, a.id)
    first, second = await enqueue(store, a.id, out(d.id, "one"), out(d.id, "two"))
    (head,) = await store.claim_outbox(T0, "w1", LEASE)
    retry = T0 + timedelta(seconds=4)
    await store.delivery_failed(head.id, "HTTP 503", T0, retry)
    assert await store.claim_outbox(T0 + timedelta(seconds=1), "w1", LEASE) == []
    assert await store.next_outbox_at() == retry
    (again,) = await store.claim_outbox(retry, "w1", LEASE)
    assert (again.id, again.attempts) == (first, 1)
    await store.delivery_failed(first, "channel deleted", retry, None)  # for good: the next one goes
    assert [i.id for i in await store.claim_outbox(retry, "w1", LEASE)] == [second]


async def test_pending_edits_coalesce_until_claimed(store):
    a = await space(store)
    d = await debate(store, a.id)
    (card,) = await enqueue(store, a.id, out(d.id, "card", subject=("card", d.id)))
    edit = out(d.id, "card v2", edit_of=card, coalesce_key=f"card:{d.id}")
    (e1,) = await enqueue(store, a.id, edit)
    (e2,) = await enqueue(store, a.id, Outgoing(Message("card v3"), "general", d.id, edit_of=card,
                                                coalesce_key=f"card:{d.id}"))
    assert e1 == e2
    await store.claim_outbox(T0, "w1", LEASE)
    await store.delivered(card, Receipt("m-card"), T0)
    (claimed,) = await store.claim_outbox(T0, "w1", LEASE)
    assert (claimed.id, claimed.out.message.text, claimed.edit_message_id) == (e1, "card v3", "m-card")
    (e3,) = await enqueue(store, a.id, out(d.id, "card v4", edit_of=card, coalesce_key=f"card:{d.id}"))
    assert e3 != e1  # the claimed edit may be on its way: a new one is queued after it


async def test_delivering_the_thread_opener_sets_the_debates_thread(store):
    a, b = await space(store), await space(store, "guild-2")
    d = await debate(store, a.id)
    card, arg = await enqueue(store, a.id, out(d.id, "card", open_thread="Debate #1", subject=("card", d.id)),
                              out(d.id, "argument", in_thread=True, subject=("argument", 1)))
    (head,) = await store.claim_outbox(T0, "w1", LEASE)
    assert head.thread_id is None
    await store.delivered(card, Receipt("m1", "thread-9"), T0)
    (item,) = await store.claim_outbox(T0, "w1", LEASE)
    assert (item.id, item.thread_id) == (arg, "thread-9")
    await store.delivered(arg, Receipt("m2"), T0)
    async with store.unit_of_work() as uow:
        assert (await uow.debate_in_thread(a.id, "thread-9")).id == d.id
        assert await uow.outbox_id_of(a.id, ("card", d.id)) == card
        assert await uow.outbox_id_of(b.id, ("card", d.id)) is None
        assert await uow.subject_of(a.id, "m2") == ("argument", 1, d.id)
        assert await uow.subject_of(b.id, "m2") is None  # another community's message id means nothing here


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
        async with store.unit_of_work():
            pass
    with pytest.raises(StoreUnavailable):
        await store.claim_due(T0, "w1", LEASE)
    await store.open()


async def test_tally_counts_each_member_by_latest_position(store):
    s = await space(store)
    d = await debate(store, s.id)
    async with store.unit_of_work() as uow:
        assert await uow.tally(d.id) == ({}, 0)
        for seq, (member, side) in enumerate([("ada", "pause"), ("bo", "pause"), ("ada", "go-faster"),
                                              ("cy", "undecided")]):
            await uow.append_position(Position(d.id, member, member, side, None, None, None, 0,
                                               T0 + timedelta(seconds=seq)))
        await uow.add_argument(Argument(d.id, 0, "ada", "Ada", "pause", 1, "point", T0))
        assert await uow.tally(d.id) == ({"pause": 1, "go-faster": 1, "undecided": 1}, 1)
