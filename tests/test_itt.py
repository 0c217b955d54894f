"""The ideological Turing test round (format oxford-itt): who may write an entry (a side you do not hold),
who may judge it (members of that side, not its author, once each: a change replaces), the pass rates
and credits in the results, and a restart in the middle of the round. Through the core, on both stores."""

from __future__ import annotations

from bot.testing import Harness, RecordingChat

PAUSE_CASE = "Weights that exist cannot be un-trained, so evaluations have to come before the next run."
FASTER_CASE = "A unilateral pause only moves frontier work to labs with fewer safeguards."
SLOW_CASE = "A smaller coordinated next run buys time for interpretability without halting research."


async def itt_round(h: Harness) -> str:
    """A debate in its ITT round: ada and cy hold pause, bo and di go faster, eve is undecided."""
    _, thread = await h.start_debate(sides="pause, go faster", fmt="oxford-itt")
    for who, side in (("ada", "pause"), ("cy", "pause"), ("bo", "go-faster"), ("di", "go-faster"),
                      ("eve", "undecided")):
        await h.say(who, f"/position side:{side}", thread=thread)
    await h.advance(minutes=15)  # opening
    await h.say("ada", "/argue side:pause Evaluations must keep pace with capability.", thread=thread)
    await h.advance(hours=1)  # the ITT round
    assert h.chat.titles("announcement")[-1] == "Debate #1: ITT"
    return thread


def entry_number(reply) -> int:
    return int(reply.message.text.split("#")[1].split()[0])


async def test_members_write_only_for_a_side_they_do_not_hold(harness: Harness):
    thread = await itt_round(harness)
    messages = [p.item.out.message for p in harness.chat.posts]
    announced = [m for m in messages if m.title == "Debate #1: ITT"][0]
    assert "side you do not hold" in announced.text and announced.buttons[0].command == "itt write"

    own = await harness.say("ada", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    assert own.message.kind == "error" and "pause is your own side" in own.message.text
    assert "side:go-faster" in own.message.text
    undecided = await harness.say("eve", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    assert undecided.message.kind == "error" and "hold no side" in undecided.message.text
    assert "Undecided members read the entries" in undecided.message.text
    never = await harness.say("zed", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    assert "hold no side" in never.message.text

    written = await harness.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    assert "ITT entry #1 (the case for pause)" in written.message.text
    again = await harness.say("bo", f'/itt write side:pause text:"{PAUSE_CASE} Again."', thread=thread)
    assert again.message.kind == "error" and "already wrote entry #1" in again.message.text
    # the entry is posted without its author's name, with the two judging buttons
    messages = [p.item.out.message for p in harness.chat.posts]
    [posted] = [m for m in messages if (m.title or "").startswith("ITT")]
    assert posted.title == "ITT entry #1 · the case for pause" and posted.text == PAUSE_CASE
    assert "bo" not in (posted.footer or "").lower().split()
    assert [(b.command, dict(b.args)["verdict"]) for b in posted.buttons] == [
        ("itt rate", "yes"), ("itt rate", "no")]
    # no ordinary arguments in this round
    argued = await harness.say("cy", "/argue side:pause More evaluations.", thread=thread)
    assert argued.message.kind == "error" and "ideological Turing test" in argued.message.text


async def test_writing_is_refused_outside_an_itt_round_and_in_formats_without_one(harness: Harness):
    _, thread = await harness.start_debate(sides="pause, go faster", fmt="oxford-itt")
    await harness.say("bo", "/position side:go-faster", thread=thread)
    await harness.advance(minutes=15)  # opening
    early = await harness.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    assert early.message.kind == "error" and "ITT round (ITT)" in early.message.text
    assert "opening now" in early.message.text
    _, other = await harness.start_debate(sides="pause, go faster")
    await harness.say("bo", "/position side:go-faster", thread=other)
    await harness.advance(minutes=15)
    plain = await harness.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=other)
    assert "has no ITT round" in plain.message.text and "oxford-itt" in plain.message.text


async def test_only_members_of_the_entrys_side_judge_it_once_each(harness: Harness):
    thread = await itt_round(harness)
    wrote = await harness.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    number = entry_number(wrote)

    author = await harness.say("bo", f"/itt rate entry:{number} verdict:yes", thread=thread)
    assert author.message.kind == "error" and "your own" in author.message.text
    other = await harness.say("di", f"/itt rate entry:{number} verdict:yes", thread=thread)
    assert other.message.kind == "error" and "only members who hold that side" in other.message.text
    assert "you hold go faster" in other.message.text
    undecided = await harness.say("eve", f"/itt rate entry:{number} verdict:no", thread=thread)
    assert "you hold no side" in undecided.message.text
    bad = await harness.say("ada", f"/itt rate entry:{number} verdict:maybe", thread=thread)
    assert bad.message.kind == "error" and "yes or no" in bad.message.text and bad.option == "verdict"
    missing = await harness.say("ada", "/itt rate entry:9 verdict:yes", thread=thread)
    assert "no ITT entry #9" in missing.message.text

    assert "Recorded for ITT entry #1: yes" in (await harness.say("ada", "/itt rate entry:1 verdict:yes",
                                                                  thread=thread)).message.text
    repeat = await harness.say("ada", "/itt rate entry:1 verdict:yes", thread=thread)
    assert "already answered" in repeat.message.text
    changed = await harness.say("ada", "/itt rate entry:1 verdict:no", thread=thread)
    assert "earlier answer is replaced" in changed.message.text

    async def ratings(uow):
        debate = await uow.debate(1, 1)
        return await uow.itt_ratings(debate.id)

    stored = await harness.store.transact(ratings)
    assert [(r.member_id, r.passed, r.member_side) for r in stored] == [
        ("ada", True, "pause"), ("ada", False, "pause")]


async def test_results_show_each_sides_pass_rate_and_credit_who_passed(harness: Harness):
    thread = await itt_round(harness)
    await harness.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)  # 1: passes
    await harness.say("di", '/itt write side:pause text:"Pausing is good because AI is scary."',  # 2
                      thread=thread)
    await harness.say("ada", f'/itt write side:go-faster text:"{FASTER_CASE}"', thread=thread)  # 3: passes
    await harness.say("cy", '/itt write side:go-faster text:"Faster means more money for labs."',  # 4
                      thread=thread)
    for who, entry, verdict in (("ada", 1, "yes"), ("cy", 1, "no"), ("cy", 1, "yes"),  # cy changes to yes
                                ("ada", 2, "no"), ("cy", 2, "yes"),  # a tie: does not pass
                                ("bo", 3, "yes"), ("di", 3, "yes"), ("bo", 4, "no")):
        reply = await harness.say(who, f"/itt rate entry:{entry} verdict:{verdict}", thread=thread)
        assert reply.message.kind != "error", reply.message.text
    await harness.advance(hours=1)  # rebuttal: judging stays open until the debate closes
    await harness.say("di", "/itt rate entry:4 verdict:no", thread=thread)
    await harness.advance(hours=2)  # closing, post-vote, results
    [result] = [p.item.out.message for p in harness.chat.posts
                if (p.item.out.message.title or "").startswith("Ideological Turing test of debate #1")]
    fields = {f.name: f.value for f in result.fields}
    pause = fields["How well others understood pause"]
    faster = fields["How well others understood go faster"]
    assert pause.startswith("1 of 2 judged entries passed (50% pass rate)") and "Passed: bo (#1)" in pause
    assert faster.startswith("1 of 2 judged entries passed (50% pass rate)") and "Passed: ada (#3)" in faster
    assert "credit to: ada, bo" in result.text
    late = await harness.say("ada", "/itt rate entry:1 verdict:no", thread=thread)
    assert late.message.kind == "error" and "closed" in late.message.text


async def test_a_format_without_an_itt_round_posts_no_itt_results(harness: Harness):
    _, thread = await harness.start_debate(sides="pause, go faster", fmt="quick")
    await harness.advance(minutes=35)
    assert not any(t.startswith("Ideological") for t in harness.chat.titles())


async def test_a_restart_in_the_middle_of_the_round_keeps_entries_and_answers(store):
    chat = RecordingChat()
    first = Harness(store, chat=chat, worker="before")
    thread = await itt_round(first)
    await first.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    await first.say("ada", "/itt rate entry:1 verdict:yes", thread=thread)
    await store.close()

    await store.open()
    second = Harness(store, clock=first.clock, chat=chat, worker="after")
    await second.agenda.settle()
    again = await second.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    assert "already wrote entry #1" in again.message.text  # the entry survived
    repeat = await second.say("ada", "/itt rate entry:1 verdict:yes", thread=thread)
    assert "already answered" in repeat.message.text
    await second.say("cy", "/itt rate entry:1 verdict:yes", thread=thread)
    await second.advance(hours=4)
    assert sum(t == "Debate #1: ITT" for t in chat.titles("announcement")) == 1  # announced once
    [result] = [p.item.out.message for p in chat.posts
                if (p.item.out.message.title or "").startswith("Ideological Turing test")]
    assert "1 of 1 judged entry passed (100% pass rate)" in result.fields[0].value


async def test_forget_me_removes_a_members_entries_and_answers(harness: Harness):
    thread = await itt_round(harness)
    await harness.say("bo", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)
    await harness.say("cy", f'/itt write side:go-faster text:"{FASTER_CASE}"', thread=thread)
    await harness.say("bo", "/itt rate entry:2 verdict:yes", thread=thread)
    await harness.say("bo", "/forget-me confirm:yes")

    async def read(uow):
        debate = await uow.debate(1, 1)
        return await uow.itt_entries(debate.id), await uow.itt_ratings(debate.id)

    entries, ratings = await harness.store.transact(read)
    assert [e.author_id for e in entries] == ["cy"] and ratings == []
    edits = [p.item.out.message for p in harness.chat.posts if p.item.edit_message_id]
    assert any(m.title == "ITT entry #1" and "removed at the author's request" in m.text for m in edits)
