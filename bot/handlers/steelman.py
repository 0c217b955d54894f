"""The steelman on demand, members' ratings of it, and a space's choice of engine."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import render, rules
from bot.domain import UNDECIDED
from bot.errors import UserError
from bot.handlers.common import (CLOSING_STEELMAN, Ctx, check_pace, chosen_llm, close_with, find_debate,
                                 summarize, views)
from bot.jobs import JobCtx, job_kind
from bot.messages import Message, Reply
from bot.summaries import Rating, StoredSteelman, side_ratings

log = logging.getLogger(__name__)
ENGINES = ("extractive", "llm")
PER_SIDE = 3


@dataclass(frozen=True)
class Deferred(Reply):
    """A reply finished after the transaction commits (the core awaits ``finish``): a model's answer may
    take seconds, and no transaction is held open meanwhile."""

    finish: Callable[[], Awaitable[Reply]] | None = None


async def steelman(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/steelman debate:1", share=True)
    only = ctx.args.get("side")
    side = rules.resolve_side(debate, only, allow_undecided=False) if only else None
    more = bool(ctx.args.get("more"))
    if more and side is None:
        raise UserError(
            "The next-best picks are for one side.", "Name it: `/steelman side:pause more:yes`."
        )
    per_side = PER_SIDE * (2 if more else 1)
    ratings = side_ratings(await ctx.uow.steelman_ratings(debate.id))
    llm = await _llm(ctx)
    if (
        llm is None or more
    ):  # the next-best picks are members' own words, whoever writes the summary
        report = await summarize(ctx.uow, debate, ctx.summarizer, per_side)
        return _reply(debate, report, side, ratings, more)
    arguments = await views(ctx.uow, debate)

    async def finish() -> Reply:
        return _reply(
            debate, await llm.summarize(arguments, debate.side_keys, per_side), side, ratings, more
        )

    return Deferred(Message("Writing the steelman…"), ephemeral=False, finish=finish)


async def _llm(ctx: Ctx):
    """The LLM engine, if this space chose it and the bot has one; else None."""
    return await chosen_llm(ctx.uow, ctx.space.id, ctx.summarizer)


@job_kind(CLOSING_STEELMAN)
async def closing_steelman(ctx: JobCtx) -> bool:
    """A closed debate's steelman by the language model its space chose, awaited after the job's commit
    (no transaction waits on the model); its checked fallback is the extractive steelman, as for /steelman.
    The job is done only when the steelman is queued: a process that dies meanwhile leaves it to be
    written again (JobCtx.defer), and it is posted once."""
    debate = await ctx.uow.debate_by_id(ctx.job.debate_id)
    if debate is None:
        return False
    arguments = await views(ctx.uow, debate)
    llm = await chosen_llm(ctx.uow, debate.space_id, ctx.summarizer)
    if llm is None:  # the space chose the extractive engine again since the debate closed
        report = ctx.summarizer.summarize(arguments, debate.side_keys, PER_SIDE)
        await close_with(ctx.uow, debate, report, ctx.now)
        return True
    now, fallback = ctx.now, ctx.summarizer

    async def write(finish) -> None:
        try:
            report = await llm.summarize(arguments, debate.side_keys, PER_SIDE)
        except Exception:  # the engine itself broke (its expected failures it handles per side)
            log.exception("the language model's closing steelman for debate %s failed", debate.id)
            report = fallback.summarize(arguments, debate.side_keys, PER_SIDE)
            report.engine_note = "The language model failed, so every side shows members' own words."

        async def post(uow) -> None:
            if report.engine == "llm":  # kept as posted: exports carry it (bot/export/posted.py)
                await uow.store_steelman(debate.space_id, debate.id,
                                         StoredSteelman.of(report, getattr(llm, "model", "") or "", now))
            await close_with(uow, debate, report, now)

        await finish(post)  # posted once, with the job done

    # each side: an answer and one retry, each within the model's timeout
    ctx.defer(write, 2 * len(debate.side_keys) * ctx.settings.summary.timeout)
    return True


def _reply(debate, report, side, ratings, more: bool) -> Reply:
    if more:
        # The picks are ranked: the ones after the first PER_SIDE are the next-best distinct
        # points.
        report.sides[side] = report.sides.get(side, [])[PER_SIDE:]
        report.points.pop(side, None)
        if not report.sides[side]:
            report.notes[side] = "No further distinct points were made on this side."
    return Reply(render.steelman_summary(debate, report, side, ratings, more), ephemeral=False)


async def rate(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/steelman rate side:pause stars:4", share=True)
    side = rules.resolve_side(debate, ctx.args.get("side"), allow_undecided=False)
    stars = ctx.args.get("stars")
    held = await ctx.uow.latest_position(debate.id, ctx.actor.user_id)
    member_side = held.side if held else UNDECIDED
    label = debate.label(side)
    mine = [r for r in await ctx.uow.steelman_ratings(debate.id)
            if r.member_id == ctx.actor.user_id and r.side == side]
    if mine and mine[-1].stars == stars:  # a repeat (a click that arrives twice) changes nothing
        return Reply(render.notice(debate, f"You already rated the {label} steelman {stars}/5."))
    await check_pace(ctx, debate, "steelman_ratings")
    engine = await ctx.uow.steelman_engine(ctx.space.id) or "extractive"
    await ctx.uow.rate_steelman(
        Rating(
            debate.id, side, ctx.actor.user_id, ctx.actor.name, member_side, stars, engine, ctx.now
        )
    )
    if member_side == side:
        said = f"You rated how well the {label} steelman captures your view: {stars}/5."
    else:
        said = f"You rated whether the {label} steelman is fair to that side: {stars}/5."
    return Reply(render.notice(debate, said + " Rate again to change it."))


async def engine(ctx: Ctx) -> Reply:
    use = ctx.args.get("use").strip().lower()
    if use not in ENGINES:
        raise UserError(
            f"There is no steelman engine {use[:20]!r}.",
            "Use `extractive` or `llm`.",
            option="use",
        )
    if use == "llm" and ctx.settings.summary.engine != "llm":
        raise UserError(
            "This bot has no language model set up.",
            'Its operator sets `[summary] engine = "llm"` with a base_url and model first.',
        )
    await ctx.uow.set_steelman_engine(ctx.space.id, use, ctx.actor.user_id, ctx.now)
    if use == "llm":
        text = (
            "Steelman summaries in this community will now be written by a language model at "
            f"{ctx.settings.summary.base_url or 'the configured endpoint'}: each side's selected "
            "arguments are sent to it. Quotes are checked; if a check fails, the extractive summary is shown."
        )
    else:
        text = "Steelman summaries in this community are chosen from members' own words; nothing is sent out."
    return Reply(Message(text=text, title="Steelman engine", kind="info"), ephemeral=False)
