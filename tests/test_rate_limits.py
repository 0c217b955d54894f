"""Abuse by one member (issue 19, item 13): per-member rate limits per minute and per debate with a reply
saying when they may post again, bounded position changes, a paged /history, and a spammer's backlog of
posts that never holds up the debate's round announcements. Driven through the harness on a manual clock."""

from __future__ import annotations

from bot.config import Limits, Settings
from bot.testing import Harness, sqlite_harness

ARG = 'side:pause text:"Compute can be inspected; software progress cannot be taken back. Point {}."'


def with_limits(**limits) -> Settings:
    return Settings(limits=Limits(**limits))


async def in_open_floor(h: Harness) -> str:
    """The quick format's one round, which sets no per-round limit of its own."""
    _, thread = await h.start_debate(fmt="quick")
    await h.advance(minutes=5)
    return thread


async def stored_arguments(h: Harness) -> int:
    debate = await h.core.debate_for(h.request("maya"), 1)
    return await h.store.transact(lambda uow: _count(uow, debate.id))


async def _count(uow, debate_id):
    return len(await uow.arguments(debate_id))


async def test_a_fourth_argument_within_a_minute_is_refused_saying_when_to_post_again(tmp_path):
    async with sqlite_harness(tmp_path) as h:
        thread = await in_open_floor(h)
        for i in range(3):
            reply = await h.say("ada", "/argue " + ARG.format(i), thread=thread)
            assert "is posted" in reply.message.text, reply.message.text
            await h.advance(seconds=10)
        refused = await h.say("ada", "/argue " + ARG.format(3), thread=thread)
        assert refused.message.kind == "error" and refused.ephemeral
        assert "3 arguments in the last minute" in refused.message.text
        assert "You can post again in 30 s" in refused.message.text  # the first was 30 s ago
        assert await stored_arguments(h) == 3  # the refusal changed nothing
        other = await h.say("bob", "/argue " + ARG.format("b"), thread=thread)  # others are not held up
        assert "is posted" in other.message.text
        await h.advance(seconds=30)
        again = await h.say("ada", "/argue " + ARG.format(3), thread=thread)
        assert "is posted" in again.message.text, again.message.text


async def test_arguments_per_debate_are_capped(tmp_path):
    async with sqlite_harness(tmp_path, with_limits(arguments_per_minute=100, arguments_per_debate=5)) as h:
        thread = await in_open_floor(h)
        for i in range(5):
            assert "is posted" in (await h.say("ada", "/argue " + ARG.format(i), thread=thread)).message.text
        refused = await h.say("ada", "/argue " + ARG.format(5), thread=thread)
        assert "5 arguments in debate #1, the most one member may" in refused.message.text
        await h.advance(minutes=5)
        assert "the most one member may" in (await h.say("ada", "/argue " + ARG.format(6),
                                                         thread=thread)).message.text
        assert await stored_arguments(h) == 5


async def test_position_changes_are_bounded_per_minute_and_per_debate(tmp_path):
    settings = with_limits(position_changes_per_minute=4, position_changes_per_debate=6)
    async with sqlite_harness(tmp_path, settings) as h:
        _, thread = await h.start_debate()
        sides = ["pause", "slow-down", "go-faster", "pause"]
        for side in sides:
            assert "Recorded" in (await h.say("ada", f"/position side:{side}", thread=thread)).message.text
        refused = await h.say("ada", "/position side:slow-down", thread=thread)
        assert "4 position changes in the last minute" in refused.message.text
        assert "You can post again in 60 s" in refused.message.text
        # repeating where you stand is free: it records nothing
        assert "already stand" in (await h.say("ada", "/position side:pause", thread=thread)).message.text
        await h.advance(minutes=1)
        for side in ["slow-down", "go-faster"]:
            assert "Recorded" in (await h.say("ada", f"/position side:{side}", thread=thread)).message.text
        capped = await h.say("ada", "/position side:pause", thread=thread)
        assert "6 position changes in debate #1, the most one member may" in capped.message.text


async def test_history_is_paged_newest_first_and_says_how_to_see_more(tmp_path):
    settings = with_limits(position_changes_per_minute=1000, position_changes_per_debate=1000)
    async with sqlite_harness(tmp_path, settings) as h:
        _, thread = await h.start_debate()
        for i in range(25):
            await h.say("ada", f"/position side:pause confidence:{i}", thread=thread)
        first = (await h.say("ada", "/history", thread=thread)).message
        lines = first.text.splitlines()
        assert len(lines) == 10 and "24% sure" in lines[0] and "15% sure" in lines[-1]
        assert "page 1 of 3" in first.title and "/history debate:1 page:2" in first.footer
        last = (await h.say("ada", "/history page:3", thread=thread)).message
        assert len(last.text.splitlines()) == 5 and "0% sure" in last.text.splitlines()[-1]
        beyond = await h.say("ada", "/history page:4", thread=thread)
        assert beyond.message.kind == "error" and "has 3 pages" in beyond.message.text
        assert beyond.option == "page"


async def test_a_spammers_backlog_does_not_delay_the_round_announcement(tmp_path):
    settings = with_limits(arguments_per_minute=1000, arguments_per_debate=1000)
    async with sqlite_harness(tmp_path, settings) as h:
        _, thread = await h.start_debate(fmt="quick")
        await h.advance(minutes=5)  # the open floor
        for i in range(150):  # queued, not yet delivered (as while the platform rate-limits the thread)
            reply = await h.core.execute_text(h.request("spam", thread=thread), "/argue " + ARG.format(i))
            assert "is posted" in reply.message.text
        debate = await h.core.debate_for(h.request("maya"), 1)
        before = len(h.chat.posts)
        h.clock.set(debate.phase_ends_at)
        await h.agenda.settle()
        sent = [p.item.out.message for p in h.chat.posts[before:] if not p.item.edit_message_id]
        announcement = next(i for i, m in enumerate(sent) if m.kind == "announcement")
        assert announcement <= 3, f"the announcement went out after {announcement} posts"
        assert sum(m.kind == "argument" for m in sent) == 150  # and every post still went out, in order
        numbers = [int(m.title.split("#")[1].split()[0]) for m in sent if m.kind == "argument"]
        assert numbers == sorted(numbers)
