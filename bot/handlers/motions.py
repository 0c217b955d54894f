"""Handlers of the motion queue: members propose motions and upvote the ones they want debated; a schedule
with `from:queue` takes the top one (most upvotes, then oldest)."""

from __future__ import annotations

import logging

from bot.errors import Conflict, Forbidden, NotFound
from bot.cleaning import shorten
from bot.handlers.common import Ctx, record_space
from bot.domain import Motion
from bot.messages import Button, Message, Outgoing, Reply
from bot.steelman.similarity import Corpus
from bot.steelman.tokens import features, terms, words

log = logging.getLogger("steelman.motions")
SAME_MOTION = 0.5  # resemblance at which the steelman engine treats two texts as one point


def near_duplicate(text: str, queue: list[Motion]) -> Motion | None:
    """The open motion that says nearly the same as `text`, by the steelman engine's resemblance."""
    if not queue:
        return None
    corpus = Corpus([features(terms(words(t))) for t in [*(m.text for m in queue), text]])
    new = len(queue)
    best = max(range(new), key=lambda i: corpus.resemblance(i, new))
    return queue[best] if corpus.resemblance(best, new) >= SAME_MOTION else None


def card(m: Motion) -> Message:
    return Message(
        f"“{m.text}”\nProposed by {m.proposer_name}. Upvote it to have it debated sooner.",
        title=f"Motion #{m.number} proposed",
        kind="card",
        buttons=(Button("Upvote", "motion upvote", (("motion", m.number),), style="primary"),),
    )


async def _find(ctx: Ctx, open_only: bool = True) -> Motion:
    number = ctx.args.get("motion")
    found = await ctx.uow.motion(ctx.space.id, number)
    if found is None:
        raise NotFound(
            f"There is no motion #{number} here.",
            "See the queue with /motion list.",
            option="motion",
        )
    if open_only and found.state != "open":
        raise Conflict(
            f"Motion #{number} is no longer in the queue (it was {found.state}).",
            "See the queue with /motion list.",
            option="motion",
        )
    return found


async def _rank(ctx: Ctx, m: Motion) -> tuple[int, int]:
    """(place in the queue, upvotes) of an open motion, after this command's change."""
    queue = await ctx.uow.open_motions(ctx.space.id)
    place = next(i for i, q in enumerate(queue, 1) if q.id == m.id)
    return place, queue[place - 1].upvotes


async def propose(ctx: Ctx) -> Reply:
    text = ctx.args.get("text")
    twin = near_duplicate(text, await ctx.uow.open_motions(ctx.space.id))
    if twin is not None:
        raise Conflict(
            f"That is nearly motion #{twin.number}, already in the queue: “{twin.text}”.",
            f"Upvote it instead: /motion upvote motion:{twin.number}.",
            option="text",
        )
    m = await ctx.uow.add_motion(
        Motion(0, ctx.space.id, 0, text, ctx.actor.user_id, ctx.actor.name, "open", ctx.now)
    )
    await ctx.emit(Outgoing(card(m), ctx.request.channel_id))
    place, _ = await _rank(ctx, m)
    return Reply(Message(f"Motion #{m.number} is in the queue, at place {place}."))


async def list_(ctx: Ctx) -> Reply:
    queue = await ctx.uow.open_motions(ctx.space.id)
    if not queue:
        return Reply(
            Message("The motion queue is empty. Propose one with /motion propose text:...")
        )
    lines = [
        f"{i}. #{m.number} “{m.text}” proposed by {m.proposer_name} · "
        f"{m.upvotes} upvote{'s' * (m.upvotes != 1)}"
        for i, m in enumerate(queue, 1)
    ]
    return Reply(Message("\n".join(lines), title="Motion queue (next debated first)"))


async def upvote(ctx: Ctx) -> Reply:
    m = await _find(ctx)
    if m.proposer_id == ctx.actor.user_id:
        raise Forbidden(
            "You can't upvote your own motion.", "Ask others to upvote it.", option="motion"
        )
    if not await ctx.uow.upvote(ctx.space.id, m.id, ctx.actor.user_id, ctx.now):
        raise Conflict(
            f"You already upvoted motion #{m.number}; one upvote per member.",
            f"Take it back with /motion withdraw-vote motion:{m.number}.",
            option="motion",
        )
    place, votes = await _rank(ctx, m)
    return Reply(
        Message(
            f"You upvoted motion #{m.number}: {votes} upvote{'s' * (votes != 1)}, "
            f"place {place} in the queue."
        )
    )


async def withdraw_vote(ctx: Ctx) -> Reply:
    m = await _find(ctx)
    if not await ctx.uow.withdraw_upvote(ctx.space.id, m.id, ctx.actor.user_id):
        raise Conflict(f"You have not upvoted motion #{m.number}.", option="motion")
    return Reply(Message(f"Your upvote of motion #{m.number} is withdrawn."))


async def withdraw(ctx: Ctx) -> Reply:
    m = await _find(ctx)
    if m.proposer_id != ctx.actor.user_id and not ctx.actor.is_moderator:
        raise Forbidden(
            f"Only {m.proposer_name}, who proposed motion #{m.number}, or a moderator may withdraw it.",
            option="motion",
        )
    await ctx.uow.close_motion(
        ctx.space.id, m.id, "withdrawn", ctx.now, by=(ctx.actor.user_id, ctx.actor.name)
    )
    if m.proposer_id != ctx.actor.user_id:  # a moderator withdrawing another's motion acts as one
        await record_space(ctx, "motion withdraw", f"motion #{m.number}: {shorten(m.text, 60)}")
    return Reply(Message(f"Motion #{m.number} is withdrawn from the queue."))


async def reject(ctx: Ctx) -> Reply:
    m = await _find(ctx)
    reason = ctx.args.get("reason")
    # The motion row keeps who rejected it, when and why; the audit log shows it with the others.
    await record_space(ctx, "motion reject", f"motion #{m.number}: {shorten(m.text, 60)} (reason: {reason})")
    await ctx.uow.close_motion(
        ctx.space.id,
        m.id,
        "rejected",
        ctx.now,
        by=(ctx.actor.user_id, ctx.actor.name),
        reason=reason,
    )
    log.info(
        "motion %s in space %s rejected by %s: %s",
        m.number,
        ctx.space.id,
        ctx.actor.user_id,
        reason,
    )
    note = f"A moderator rejected motion #{m.number} (“{m.text}”). Reason: {reason}"
    await ctx.emit(Outgoing(Message(note, kind="announcement"), ctx.request.channel_id))
    return Reply(Message(f"Motion #{m.number} is rejected; the reason is posted."))
