"""A debate from start to results through the real core and store, as members would notice it."""

from bot.testing import Harness

ROUNDS = ["pre-vote", "opening", "rebuttal", "closing", "post-vote"]


async def test_rounds_are_announced_in_order_on_the_clock(harness: Harness):
    number, thread = await harness.start_debate()
    await harness.advance(hours=4)
    titles = harness.chat.titles("announcement")
    assert [t.split(": ", 1)[1] for t in titles[:5]] == ROUNDS
    assert harness.chat.titles("results") and harness.chat.titles("steelman")
    # every announcement after the card went to the debate's thread
    assert all(p.item.thread_id == thread for p in harness.chat.posts[1:] if p.item.out.in_thread)


async def test_positions_endorsements_and_results(harness: Harness):
    number, thread = await harness.start_debate(sides="pause, go faster")
    say = lambda who, line: harness.say(who, line, thread=thread)  # noqa: E731
    await say("ada", "/position side:pause confidence:70")
    await say("bo", "/position side:go-faster")
    await say("cy", "/position side:undecided")
    await harness.advance(minutes=15)
    await say("bo", "/argue side:go-faster A pause only moves work to labs with fewer safeguards.")
    await say("ada", "/argue side:pause Weights that exist cannot be un-trained, so evaluations must come first.")
    assert "already endorsed" not in (await say("ada", "/endorse argument:1")).message.text
    assert "already endorsed" in (await say("ada", "/endorse argument:1")).message.text
    await say("cy", "/position side:go-faster confidence:60 credit:1")
    await say("Maya", f"/debate close debate:{number}")
    (results,) = [p.item.out.message for p in harness.chat.posts if p.item.out.message.kind == "results"]
    assert "go faster" in results.text and "wins" in results.text
    fields = {f.name: f.value for f in results.fields}
    assert "cy: Undecided → go faster (credits #1)" in fields["Who moved"]
    assert fields["Voters"] == "3 before, 3 after"


async def test_history_is_append_only_and_double_clicks_add_nothing(harness: Harness):
    _, thread = await harness.start_debate()
    for line in ["/position side:pause", "/position side:pause", "/position side:slow-down credit:1"]:
        await harness.say("ada", line, thread=thread)
    reply = await harness.say("ada", "/history", thread=thread)
    assert "no argument #1" not in reply.message.text
    lines = reply.message.text.splitlines()
    assert len(lines) == 1 and "pause" in lines[0]  # the repeat was not added; the bad credit was refused
    await harness.say("ada", "/position side:slow-down confidence:40", thread=thread)
    assert [l.split(": ", 1)[1].split(",")[0] for l in
            (await harness.say("ada", "/history", thread=thread)).message.text.splitlines()] == [
        "slow down", "pause"]  # newest first


async def test_the_same_platform_event_is_processed_once(harness: Harness):
    _, thread = await harness.start_debate()
    await harness.advance(minutes=15)
    line = "/argue side:pause Compute is the one lever we can inspect."
    first = await harness.core.execute_text(harness.request("ada", thread=thread, event="evt-1"), line)
    again = await harness.core.execute_text(harness.request("ada", thread=thread, event="evt-1"), line)
    await harness.agenda.settle()
    assert first.message.text == again.message.text
    assert len([p for p in harness.chat.posts if p.item.out.message.kind == "argument"]) == 1


async def test_moderator_extend_moves_the_deadline(harness: Harness):
    number, thread = await harness.start_debate()
    await harness.say("Maya", f"/debate extend minutes:30 debate:{number}")
    await harness.advance(minutes=20)
    assert "opening" not in " ".join(harness.chat.titles("announcement"))
    await harness.advance(minutes=30)
    assert any(t.endswith("opening") for t in harness.chat.titles("announcement"))


async def test_steelman_reply_covers_every_side(harness: Harness):
    _, thread = await harness.start_debate()
    await harness.advance(minutes=15)
    await harness.say("ada", "/argue side:pause Weights cannot be un-trained.", thread=thread)
    await harness.say("bo", "/argue side:go-faster A pause will not be global.", thread=thread)
    reply = await harness.say("cy", "/steelman", thread=thread)
    names = [f.name for f in reply.message.fields]
    assert names[:3] == ["The case for pause", "The case for slow down", "The case for go faster"]
    assert not reply.ephemeral


async def test_a_moderators_next_that_arrives_just_after_the_deadline_does_not_end_the_next_phase(harness):
    number, thread = await harness.start_debate(fmt="oxford")
    await harness.advance(minutes=15)  # the pre-vote's deadline: the opening round has just begun
    reply = await harness.say("Maya", "/debate next", thread=thread)
    assert reply.message.kind == "error" and "did not end it" in reply.message.text
    assert "/debate next phase:opening" in reply.message.text
    status = await harness.say("Maya", "/debate status", thread=thread)
    assert "opening" in " ".join(f.value for f in status.message.fields).lower()
    named = await harness.say("Maya", "/debate next phase:pre-vote", thread=thread)
    assert named.message.kind == "error" and "is not running" in named.message.text
    done = await harness.say("Maya", "/debate next phase:opening", thread=thread)
    assert "opening ended early; now rebuttal" in done.message.text
    later = await harness.say("Maya", "/debate next phase:opening", thread=thread)  # a double click
    assert later.message.kind == "error" and "in its rebuttal now" in later.message.text


async def test_what_members_read_when_a_debate_is_over(harness):
    number, thread = await harness.start_debate(fmt="quick")
    await harness.advance(minutes=5)
    await harness.say("ada", "/argue side:pause Weights cannot be un-trained.", thread=thread)
    own = await harness.say("ada", "/position side:pause credit:1", thread=thread)
    assert own.message.kind == "error" and "your own argument" in own.message.text
    await harness.say("Maya", "/debate close", thread=thread)
    listing = await harness.say("ada", "/debate list")
    assert "No debate is running here" in listing.message.text and "1 finished debate is not shown" in listing.message.text
    status = await harness.say("ada", "/debate status", thread=thread)
    assert "Vote with the buttons" not in (status.message.footer or "") and "closed" in status.message.footer


async def test_closing_a_debate_nobody_argued_in_does_not_thank_them_for_arguing(harness):
    number, thread = await harness.start_debate(fmt="quick")
    await harness.say("Maya", "/debate close", thread=thread)
    closing = harness.chat.texts()[-1]
    assert "No argument was posted" in closing and "arguing well" not in closing
