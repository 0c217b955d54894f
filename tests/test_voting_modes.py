"""Voting modes, per debate (`/debate start voting:`) or per format (`voting = [...]`): `hidden` keeps every
tally (the card's counts, /debate status, the steelman's endorsement counts and ratings) unseen until the
post-vote closes; `anonymous` results show shares and moves but no names, and exports leave names out
unless a moderator asks for them (`pseudonymize:no`), which the audit log says. Every message the bot
posted, edits of the card included, and every reply is searched. On both stores."""

from __future__ import annotations

import re

from bot.config import Settings
from bot.messages import Message
from bot.testing import Harness

VOTERS = ("Quinn", "Rowan", "Sasha", "Tamsin")  # they vote and never argue: a name seen is a leak
TALLY = re.compile(r"\b(pause|go faster|undecided) \d+(?![\d★])|\d+ minds?|\d+ endorsed|endorsed by|n = \d"
                   r"|yet \(\d+\)", re.IGNORECASE)


def everything(message: Message) -> str:
    parts = [message.text, message.title or "", message.footer or ""]
    parts += [f"{f.name}: {f.value}" for f in message.fields] + [b.label for b in message.buttons]
    return "\n".join(parts)


def posted(h: Harness) -> list[str]:
    return [everything(p.item.out.message) for p in h.chat.posts]


async def run_debate(h: Harness, voting: str | None) -> tuple[str, list[str]]:
    """A debate through its post-vote, with voters and arguers; the replies everyone got on the way."""
    option = f" voting:{voting}" if voting else ""
    reply = await h.say("Maya", '/debate start motion:"Pause frontier training runs" '
                                f'sides:"pause, go faster"{option}')
    replies = [reply.message]
    thread = f"guild-1-t{h.chat.posts[0].item.out.debate_id}"

    async def say(who: str, line: str) -> None:
        replies.append((await h.say(who, line, thread=thread)).message)

    for who, side in zip(VOTERS, ("pause", "pause", "go-faster", "undecided")):
        await say(who, f"/position side:{side}")
    await say("ada", "/position side:pause")
    await say("bo", "/position side:go-faster")
    await say("cy", "/debate status")
    await h.advance(minutes=15)
    await say("ada", '/argue side:pause text:"Weights that exist cannot be un-trained."')
    await say("bo", '/argue side:go-faster text:"A unilateral pause moves work to careless labs."')
    await say("cy", "/steelman")  # before any endorsement: common ground says how few have endorsed
    for who in VOTERS:
        await say(who, "/endorse argument:1")
    await say("Quinn", "/steelman rate side:pause stars:4")
    await say("cy", "/steelman")
    await say("cy", "/debate status")
    await h.advance(hours=2, minutes=30)  # to the post-vote
    await say("Sasha", "/position side:pause credit:1")
    await say("Tamsin", "/position side:go-faster credit:2")
    await say("cy", "/debate status")
    await say("cy", "/leaderboard")  # whose arguments moved minds: counted from close when votes are hidden
    return thread, [everything(m) for m in replies]


async def test_hidden_and_anonymous_votes_leak_no_tally_and_no_name_before_or_after_close(harness: Harness):
    thread, replies = await run_debate(harness, "hidden-anonymous")
    assert "Voting is hidden" in replies[0] and "anonymous" in replies[0]
    before = posted(harness) + replies
    cards = [m for m in before if m.startswith("Debate #1:") and "Positions:" in m]
    assert len(cards) >= 3 and all("Positions: hidden until the post-vote closes" in c for c in cards)
    for text in before:
        assert not TALLY.search(text), text
        assert not any(name.lower() in text.lower() for name in VOTERS), text
    steelman = next(r for r in replies if "The case for pause" in r)
    assert "Weights that exist" in steelman  # the steelman is there, only its counts are not

    await harness.advance(minutes=15)  # the post-vote closes: results
    after = posted(harness)[len(before) - len(replies):]
    results = next(m for m in after if m.startswith("**go faster**") or "Results of debate #1" in m)
    assert "%" in results and "Changed their mind: 2" in results and "Who moved" not in results
    for text in after:
        assert not any(name.lower() in text.lower() for name in VOTERS), text
    card = [everything(m) for m in (p.item.out.message for p in harness.chat.posts) if m.kind == "card"][-1]
    assert "Positions: pause" in card  # the counts show once the post-vote has closed


async def test_in_an_open_debate_the_same_votes_show_counts_and_names(harness: Harness):
    """The same script without the modes: the checks above would catch the tallies and the names."""
    thread, replies = await run_debate(harness, None)
    before = posted(harness) + replies
    assert any(TALLY.search(t) for t in before)
    await harness.advance(minutes=15)
    results = next(t for t in posted(harness) if "Results of debate #1" in t)
    assert "Who moved" in results and "Sasha: go faster → pause" in results


async def test_hidden_alone_names_movers_after_close_and_a_format_can_set_it(tmp_path):
    from bot.testing import sqlite_harness

    settings = Settings.model_validate({"formats": {"secret": {
        "pre_vote": "5m", "post_vote": "5m", "voting": ["hidden"],
        "rounds": [{"name": "floor", "duration": "10m"}]}}})
    async with sqlite_harness(tmp_path, settings) as h:
        await h.say("Maya", '/debate start motion:"Pause frontier runs" sides:"pause, go faster" '
                            "format:secret")
        thread = f"guild-1-t{h.chat.posts[0].item.out.debate_id}"
        await h.say("Quinn", "/position side:pause", thread=thread)
        await h.say("Rowan", "/position side:pause", thread=thread)
        status = await h.say("cy", "/debate status", thread=thread)
        assert "hidden until the post-vote closes" in everything(status.message)
        assert not any(TALLY.search(t) for t in posted(h))
        await h.advance(minutes=15)  # to the post-vote
        await h.say("Rowan", "/position side:go-faster", thread=thread)
        await h.advance(minutes=5)
        results = next(t for t in posted(h) if "Results of debate #1" in t)
        assert "Rowan: pause → go faster" in results  # hidden, not anonymous: names after close


async def test_an_unknown_voting_mode_is_refused(harness: Harness):
    reply = await harness.say("Maya", '/debate start motion:"Pause runs" sides:"pause, go faster" '
                                      "voting:secret")
    assert reply.message.kind == "error" and reply.option == "voting"
    assert "no voting mode 'secret'" in reply.message.text and "hidden-anonymous" in reply.message.text
    assert harness.chat.posts == []


async def test_exports_wait_for_hidden_votes_and_leave_anonymous_names_out_unless_asked(harness: Harness):
    thread, _ = await run_debate(harness, "hidden-anonymous")
    early = await harness.say("Maya", "/export format:json debate:1")
    assert early.message.kind == "error"
    assert "hides its votes until its post-vote closes" in early.message.text
    assert not early.message.files
    await harness.advance(minutes=15)

    plain = await harness.say("Maya", "/export format:json debate:1")
    data = plain.message.files[0].data.decode()
    assert '"positions"' in data and "member-" in data  # pseudonyms stand in for the voters
    assert not any(name.lower() in data.lower() for name in VOTERS)
    assert "votes are anonymous" in plain.message.text

    named = await harness.say("Maya", "/export format:csv debate:1 pseudonymize:no")
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(named.message.files[0].data)) as z:
        positions = z.read(next(n for n in z.namelist() if "positions" in n)).decode()
    assert all(name in positions for name in VOTERS)
    audit = await harness.say("Maya", "/audit")
    assert "with the names of anonymous voters (debate #1)" in audit.message.text


async def test_opinion_groups_wait_for_the_close_when_voting_is_hidden(harness):
    h = harness
    await h.say("Maya", '/debate start motion:"Pause frontier training runs" sides:"pause, go faster" '
                        "voting:hidden")
    await h.say("Maya", '/debate start motion:"Open weights are safe" sides:"yes, no"')
    hidden = await h.say("ada", "/groups debate:1")
    assert "Voting is hidden in debate #1: its opinion groups come with the results" in hidden.message.text
    shown = await h.say("ada", "/groups debate:2")  # open voting: the groups so far (here: too few votes)
    assert "hidden" not in shown.message.text and "Too few votes" in shown.message.text
