"""/remind me: members who voted in the pre-vote ask for one direct message when the post-vote opens;
clear replies for those who did not pre-vote, who already post-voted, or who ask twice; /remind off."""

from datetime import timedelta

from bot.testing import Harness
from tests.snapshot import snapshot


def due(h: Harness) -> str:
    """When the oxford post-vote of a debate started now opens: 15m + 1h + 1h + 30m."""
    return (h.clock.now() + timedelta(hours=2, minutes=45)).strftime("%a %d %b %H:%M UTC")


def direct(h: Harness) -> list[tuple[str, str]]:
    return [(p.item.out.direct_to, p.item.out.message.title) for p in h.chat.posts if p.item.out.direct_to]


async def test_a_pre_voter_who_asks_gets_one_direct_message_when_the_post_vote_opens(harness):
    _, thread = await harness.start_debate()
    opens = due(harness)
    await harness.say("ada", "/position side:pause", thread=thread)
    await harness.say("bo", "/position side:go-faster", thread=thread)
    reply = await harness.say("ada", "/remind me", thread=thread)
    assert reply.ephemeral
    assert reply.message.text == ("I will send you a direct message once when the post-vote of debate #1 opens "
                                  f"(due {opens}). To stop it: /remind off debate:1.")
    again = await harness.say("ada", "/remind me debate:1")
    assert "You already asked for a reminder for debate #1" in again.message.text
    await harness.advance(hours=2, minutes=44)
    assert direct(harness) == []  # not before it opens
    await harness.advance(minutes=1)
    [(to, title)] = direct(harness)
    assert (to, title) == ("ada", "Debate #1: the post-vote is open")
    [dm] = [p.item for p in harness.chat.posts if p.item.out.direct_to]
    assert "/position debate:1 side:<pause|slow-down|go-faster|undecided>" in dm.out.message.text
    assert not dm.out.in_thread
    await harness.advance(hours=1)
    assert len(direct(harness)) == 1  # once


async def test_who_may_ask_and_the_reply_each_gets(harness):
    _, thread = await harness.start_debate()
    opens = due(harness)
    before = await snapshot(harness.store)
    early = await harness.say("cy", "/remind me", thread=thread)
    assert "You have not voted in the pre-vote of debate #1 yet" in early.message.text
    assert "Record your starting position with /position" in early.message.text
    assert await snapshot(harness.store) == before  # a refusal changes nothing
    await harness.say("ada", "/position side:pause", thread=thread)
    await harness.advance(minutes=15)  # the opening round
    late = await harness.say("cy", "/remind me", thread=thread)
    assert "You did not vote in the pre-vote of debate #1" in late.message.text
    assert f"due {opens}" in late.message.text
    assert "I will send you" in (await harness.say("ada", "/remind me", thread=thread)).message.text
    await harness.advance(hours=2, minutes=30)  # the post-vote opens
    await harness.say("ada", "/position side:slow-down", thread=thread)
    done = await harness.say("ada", "/remind me", thread=thread)
    assert "You already voted in the post-vote of debate #1" in done.message.text
    await harness.say("bo", "/position side:pause", thread=thread)  # bo's position is a post-vote one
    open_now = await harness.say("cy", "/remind me", thread=thread)
    assert "The post-vote of debate #1 is open now" in open_now.message.text
    nowhere = await harness.say("ada", "/remind me")
    assert "not a debate's thread" in nowhere.message.text
    await harness.advance(hours=1)
    closed = await harness.say("ada", "/remind me debate:1")
    assert "Debate #1 is closed" in closed.message.text


async def test_remind_off_takes_it_back(harness):
    _, thread = await harness.start_debate()
    await harness.say("ada", "/position side:pause", thread=thread)
    none = await harness.say("ada", "/remind off", thread=thread)
    assert "You have not asked for a reminder for debate #1" in none.message.text
    await harness.say("ada", "/remind me", thread=thread)
    off = await harness.say("ada", "/remind off", thread=thread)
    assert "Your reminder for debate #1 is cancelled" in off.message.text
    await harness.advance(hours=3)
    assert direct(harness) == []


async def test_a_member_who_voted_in_the_post_vote_before_the_message_went_out_gets_none(harness):
    """Ended early by a moderator: the post-vote opens at once, and the request is honoured then."""
    _, thread = await harness.start_debate()
    await harness.say("ada", "/position side:pause", thread=thread)
    await harness.say("bo", "/position side:pause", thread=thread)
    await harness.say("ada", "/remind me", thread=thread)
    await harness.say("bo", "/remind me", thread=thread)
    await harness.advance(minutes=15)
    for _ in range(3):
        await harness.advance(seconds=61)
        await harness.say("Maya", "/debate next", thread=thread)
    assert sorted(direct(harness)) == [("ada", "Debate #1: the post-vote is open"),
                                       ("bo", "Debate #1: the post-vote is open")]
