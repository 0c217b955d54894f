"""Rate limits beyond arguments and positions (issue 19, item 13): votes (endorsements and reactions
included), ITT entries and verdicts, steelman ratings, answers to restatements and requests for the
opinion groups each have a per-minute and a per-debate limit per member, a reply that says when they may
again, and a repeat (an event the platform delivers twice) is answered once, never refused. Through the
core on a manual clock, on both stores."""

from __future__ import annotations

import pytest

from bot import opinion
from bot.config import Limits, Settings
from bot.testing import Harness

CLAIMS = ("Weights that exist cannot be un-trained.", "Compute can be inspected at the chip supply chain.",
          "Evaluations lag capability by a year.", "A pause buys time for interpretability.",
          "Open weights cannot be recalled.", "Labs race when rivals do not stop.")


def limited(store, **limits) -> Harness:
    return Harness(store, Settings(limits=Limits(**limits)))


async def bos_arguments(h: Harness, n: int) -> str:
    """The quick format's open floor, where bo has posted `n` arguments for others to vote on."""
    _, thread = await h.start_debate(sides="pause, go faster", fmt="quick")
    await h.advance(minutes=5)
    for text in CLAIMS[:n]:
        assert "is posted" in (await h.say("bo", f"/argue side:pause {text}", thread=thread)).message.text
    return thread


async def ada_votes(h: Harness) -> list[tuple[int, str]]:
    async def read(uow):
        debate = await uow.debate((await uow.spaces())[0].id, 1)
        return [(v.argument, v.vote) for v in await uow.votes(debate.id) if v.member_id == "ada"]
    return await h.store.transact(read)


def message_of(h: Harness, number: int) -> str:
    return next(p.message_id for p in h.chat.posts if p.item.out.subject == ("argument", number))


async def test_votes_by_command_endorsement_and_reaction_share_one_limit_a_minute(store):
    h = limited(store, arguments_per_minute=10, votes_per_minute=3)
    thread = await bos_arguments(h, 5)
    say = lambda line: h.say("ada", line, thread=thread)  # noqa: E731
    first = await h.core.vote_message(h.request("ada", thread=thread, event="react-1"), message_of(h, 1),
                                      "agree", withdraw=False)
    assert first.message.text.startswith("You agree with #1")
    await h.advance(seconds=20)
    assert "You disagree with #2" in (await say("/vote argument:2 disagree")).message.text
    assert "You endorsed #3" in (await say("/endorse argument:3")).message.text
    # a repeat of a vote they hold is free: it changes nothing
    assert (await say("/vote argument:2 disagree")).message.text == "You already disagree with #2."

    for refused in (await say("/vote argument:4 agree"), await say("/endorse argument:4"),
                    await h.core.vote_message(h.request("ada", thread=thread), message_of(h, 4), "agree",
                                              withdraw=False)):
        assert refused.message.kind == "error" and refused.ephemeral
        assert "3 votes in the last minute, the most one member may (3 a minute)" in refused.message.text
        assert "You can vote again in 40 s." in refused.message.text  # the first vote was 20 s ago
    assert "You disagree with #4" in (await h.say("cy", "/vote argument:4 disagree", thread=thread)
                                      ).message.text  # others are not held up
    assert await ada_votes(h) == [(1, "agree"), (2, "disagree"), (3, "agree")]

    await h.advance(seconds=40)
    assert "You agree with #4" in (await say("/vote argument:4 agree")).message.text


async def test_a_reaction_delivered_again_at_the_limit_is_answered_as_before_and_counted_once(store):
    h = limited(store, arguments_per_minute=10, votes_per_minute=2)
    thread = await bos_arguments(h, 3)
    react = h.request("ada", thread=thread, event="react-1")
    first = await h.core.vote_message(react, message_of(h, 1), "agree", withdraw=False)
    assert "You agree with #1" in first.message.text
    assert "You disagree with #1" in (await h.say("ada", "/vote argument:1 disagree", thread=thread)).message.text
    # at the limit now; the platform delivers the first reaction again: the first answer, nothing recorded
    again = await h.core.vote_message(react, message_of(h, 1), "agree", withdraw=False)
    assert again.message.text == first.message.text and again.message.kind != "error"
    assert await ada_votes(h) == [(1, "agree"), (1, "disagree")]
    fresh = await h.core.vote_message(h.request("ada", thread=thread, event="react-2"), message_of(h, 2),
                                      "agree", withdraw=False)
    assert "You can vote again in 60 s." in fresh.message.text
    assert await ada_votes(h) == [(1, "agree"), (1, "disagree")]


async def test_votes_per_debate_are_capped(store):
    h = limited(store, arguments_per_minute=10, votes_per_minute=100, votes_per_debate=3)
    thread = await bos_arguments(h, 4)
    for n in (1, 2, 3):
        assert "You agree" in (await h.say("ada", f"/vote argument:{n} agree", thread=thread)).message.text
    await h.advance(minutes=2)
    capped = await h.say("ada", "/vote argument:4 agree", thread=thread)
    assert "You have made 3 votes in debate #1, the most one member may in one debate." in capped.message.text
    assert "Your votes so far all count." in capped.message.text


async def test_itt_entries_and_verdicts_are_limited(store):
    h = limited(store, itt_entries_per_minute=1, itt_verdicts_per_minute=2)
    _, thread = await h.start_debate(sides="pause, slow down, go faster", fmt="oxford-itt")
    for who, side in (("ada", "pause"), ("bo", "go-faster"), ("cy", "slow-down")):
        await h.say(who, f"/position side:{side}", thread=thread)
    await h.advance(minutes=15)
    await h.say("ada", "/argue side:pause Evaluations must keep pace with capability.", thread=thread)
    await h.advance(hours=1)  # the ITT round
    write = lambda who, side, text: h.say(who, f'/itt write side:{side} text:"{text}"', thread=thread)  # noqa
    assert "ITT entry #1" in (await write("bo", "pause", CLAIMS[0])).message.text
    await h.advance(seconds=15)
    second = await write("bo", "slow-down", CLAIMS[1])
    assert second.message.kind == "error" and "You have made 1 ITT entry in the last minute" in second.message.text
    assert "You can write an entry again in 45 s." in second.message.text
    await h.advance(seconds=45)
    assert "ITT entry #2" in (await write("bo", "slow-down", CLAIMS[1])).message.text
    assert "ITT entry #3" in (await write("cy", "pause", CLAIMS[2])).message.text

    rate = lambda entry, verdict: h.say("ada", f"/itt rate entry:{entry} verdict:{verdict}",  # noqa: E731
                                        thread=thread)
    assert "Recorded for ITT entry #1: yes" in (await rate(1, "yes")).message.text
    assert "earlier answer is replaced" in (await rate(1, "no")).message.text
    assert "already answered" in (await rate(1, "no")).message.text  # a repeat is free
    refused = await rate(3, "yes")
    assert "2 ITT verdicts in the last minute" in refused.message.text
    assert "You can judge again in 60 s." in refused.message.text


async def test_steelman_ratings_are_limited_and_a_repeat_is_free(store):
    h = limited(store, steelman_ratings_per_minute=2, steelman_ratings_per_debate=3)
    _, thread = await h.start_debate(sides="pause, go faster")
    await h.say("ada", "/position side:pause", thread=thread)
    await h.advance(minutes=15)
    await h.say("ada", f"/argue side:pause {CLAIMS[0]}", thread=thread)
    rate = lambda stars: h.say("ada", f"/steelman rate side:pause stars:{stars}", thread=thread)  # noqa
    assert "captures your view: 2/5" in (await rate(2)).message.text
    assert "captures your view: 4/5" in (await rate(4)).message.text
    assert "You already rated the pause steelman 4/5." in (await rate(4)).message.text
    refused = await rate(5)
    assert "2 steelman ratings in the last minute" in refused.message.text
    assert "You can rate again in 60 s." in refused.message.text
    await h.advance(minutes=1)
    assert "captures your view: 5/5" in (await rate(5)).message.text
    capped = await rate(3)
    assert "3 steelman ratings in debate #1, the most one member may" in capped.message.text


async def test_answers_to_restatements_are_limited(store):
    h = limited(store, restatement_answers_per_minute=2)
    _, thread = await h.start_debate(sides="pause, go faster", fmt="oxford-itt")
    await h.say("ada", "/position side:pause", thread=thread)
    await h.say("bo", "/position side:go-faster", thread=thread)
    await h.advance(minutes=15)
    await h.say("bo", f'/argue side:go-faster text:"{CLAIMS[5]}"', thread=thread)  # 1
    await h.say("ada", f'/rebut argument:1 restatement:"Rivals race on" text:"{CLAIMS[1]}"', thread=thread)
    answer = lambda yes: h.say("bo", f"/restatement rebuttal:2 accept:{yes}", thread=thread)  # noqa: E731
    assert "You accepted" in (await answer("yes")).message.text
    assert "You already accepted" in (await answer("yes")).message.text  # a repeat is free
    assert "You did not accept" in (await answer("no")).message.text
    edits = len(h.chat.posts)
    refused = await answer("yes")
    assert "2 answers to restatements in the last minute" in refused.message.text
    assert "You can answer again in 60 s." in refused.message.text
    assert len(h.chat.posts) == edits  # the rebuttal's post is not edited again
    await h.advance(minutes=1)
    assert "You accepted" in (await answer("yes")).message.text


@pytest.mark.skipif(not opinion.available(), reason="the opinion extra (numpy) is not installed")
async def test_requests_for_the_opinion_groups_are_limited(store):
    h = limited(store, group_maps_per_minute=2, group_maps_per_debate=3)
    thread = await bos_arguments(h, 0)
    for _ in range(2):
        assert "Too few votes" in (await h.say("cy", "/groups", thread=thread)).message.text
    refused = await h.say("cy", "/groups", thread=thread)
    assert "2 requests for the opinion groups in the last minute" in refused.message.text
    assert "You can ask again in 60 s." in refused.message.text
    assert "Too few votes" in (await h.say("eve", "/groups", thread=thread)).message.text
    await h.advance(minutes=1)
    assert "Too few votes" in (await h.say("cy", "/groups", thread=thread)).message.text
    capped = await h.say("cy", "/groups", thread=thread)
    assert "3 requests for the opinion groups in debate #1" in capped.message.text
    assert "The results post the groups when the debate closes." in capped.message.text
