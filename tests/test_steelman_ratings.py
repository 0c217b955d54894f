"""Does this capture your view? Members rate each side's steelman, see the ratings, and a side that rates its
case poorly can ask for the next-best picks. Through the core, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import SpaceRef
from bot.summaries import Rating
from bot.testing import Harness

PAUSE = (
    "Weights that exist cannot be un-trained, so evaluations must come before the next training run.",
    "Compute thresholds are verifiable through chip supply chains, which makes a pause enforceable.",
    "Labs racing each other cut safety corners, and only a shared pause removes that pressure.",
    "Regulators need time to build the expertise to audit frontier systems before they ship.",
    "Public trust in science suffers when labs release systems nobody can yet explain or test.",
)
FASTER = (
    "A unilateral pause only moves frontier work to labs with fewer safeguards and less scrutiny."
)


async def debate(h: Harness) -> str:
    _, thread = await h.start_debate(sides="pause, go faster")
    for who, side in (("ada", "pause"), ("cy", "pause"), ("bo", "go-faster")):
        await h.say(who, f"/position side:{side}", thread=thread)
    await h.advance(minutes=15)
    for i, text in enumerate(PAUSE):
        await h.say(("ada", "cy")[i % 2], f"/argue side:pause {text}", thread=thread)
    await h.say("bo", f"/argue side:go-faster {FASTER}", thread=thread)
    return thread


def case(message, side: str) -> str:
    return next(f.value for f in message.fields if f.name == f"The case for {side}")


async def test_members_rate_their_sides_steelman_and_everyone_sees_it(harness: Harness):
    thread = await debate(harness)
    shown = await harness.say("eve", "/steelman", thread=thread)
    button = next(
        b
        for b in shown.message.buttons
        if b.args == (("debate", 1), ("side", "pause"), ("stars", 4))
    )
    assert button.command == "steelman rate"
    said = await harness.say("ada", "/steelman rate side:pause stars:2", thread=thread)
    assert "captures your view: 2/5" in said.message.text and said.ephemeral
    await harness.say(
        "ada", "/steelman rate side:pause stars:4", thread=thread
    )  # the latest counts
    await harness.say("cy", "/steelman rate side:pause stars:5", thread=thread)
    fair = await harness.say("bo", "/steelman rate side:pause stars:3", thread=thread)
    assert "fair to that side: 3/5" in fair.message.text
    body = case((await harness.say("eve", "/steelman", thread=thread)).message, "pause")
    assert "The pause side rated its steelman 4.5/5, n = 2" in body
    assert "other sides rated it fair to them 3.0/5, n = 1" in body
    await harness.say("Maya", "/debate close debate:1")
    results = [
        p.item.out.message
        for p in harness.chat.posts
        if p.item.out.message and p.item.out.message.kind == "steelman"
    ]
    assert "rated its steelman 4.5/5, n = 2" in case(results[-1], "pause")


async def test_a_poorly_rated_side_can_ask_for_the_next_best_picks(harness: Harness):
    thread = await debate(harness)
    first = case(
        (await harness.say("ada", "/steelman side:pause", thread=thread)).message, "pause"
    )
    await harness.say("ada", "/steelman rate side:pause stars:1", thread=thread)
    rated = case(
        (await harness.say("ada", "/steelman side:pause", thread=thread)).message, "pause"
    )
    assert "/steelman debate:1 side:pause more:yes" in rated
    more = await harness.say("ada", "/steelman side:pause more:yes", thread=thread)
    body = case(more.message, "pause")
    shown_before = {line.split(":")[0] for line in first.splitlines() if line.startswith("#")}
    shown_now = {line.split(":")[0] for line in body.splitlines() if line.startswith("#")}
    assert shown_now and not shown_now & shown_before
    assert "next-best picks" in more.message.text


async def test_a_rating_out_of_range_is_refused(harness: Harness):
    thread = await debate(harness)
    reply = await harness.say("ada", "/steelman rate side:pause stars:9", thread=thread)
    assert reply.message.kind == "error"


async def test_ratings_and_the_engine_choice_are_stored_per_debate_and_space(store):
    now = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    h = Harness(store)
    await debate(h)
    space = await store.transact(
        lambda uow: uow.space(SpaceRef("test", "guild-1", "guild-1"), now)
    )
    debate_id = h._debate_id(1, "guild-1")

    async def work(uow):
        assert await uow.steelman_engine(space.id) is None
        await uow.set_steelman_engine(space.id, "llm", "maya", now)
        await uow.set_steelman_engine(space.id, "extractive", "maya", now)
        for stars in (2, 5):
            await uow.rate_steelman(
                Rating(debate_id, "pause", "ada", "Ada", "pause", stars, "llm", now)
            )
        return await uow.steelman_engine(space.id), await uow.steelman_ratings(debate_id)

    engine, ratings = await store.transact(work)
    assert engine == "extractive"
    assert [r.stars for r in ratings] == [2, 5] and ratings[0].created_at == now
    assert ratings[1].engine == "llm" and ratings[1].member_side == "pause"
