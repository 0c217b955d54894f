"""Handlers of the /debate commands: start, status, list, and the moderators' next, extend, close, cancel."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot import render, rules
from bot.errors import Conflict, UserError
from bot.handlers.common import CARD, Ctx, entered, find_debate, record, refresh_card, tally
from bot.jobs import PHASE_END, phase_end, plan_reminders
from bot.domain import Debate, State
from bot.messages import Message, Outgoing, Reply
from bot.cleaning import shorten
from bot.ports import Summarizer, UnitOfWork

ACTIVE = (State.PRE_VOTE, State.ROUND, State.POST_VOTE)


async def start(ctx: Ctx) -> Reply:
    settings = ctx.settings
    name = ctx.args.get("format") or settings.bot.default_format
    if name not in settings.formats:
        raise UserError(f"There is no format {name!r}.", f"Formats: {', '.join(sorted(settings.formats))}.")
    sides = rules.parse_sides(ctx.args.get("sides"), settings.limits.max_sides)
    channel = ctx.request.channel_id
    active = [d for d in await ctx.uow.debates(ctx.space.id, ACTIVE) if d.channel_id == channel]
    if len(active) >= settings.bot.max_active_debates_per_channel:
        raise Conflict(f"This channel already has {len(active)} debates running, the most it may have.",
                       "Close one first, or start the new one in another channel.")
    fmt = settings.format(name)
    voting = ctx.args.get("voting")
    if voting is not None:
        fmt = replace(fmt, voting=rules.voting_modes(voting))
    debate = await launch(ctx.uow, rules.new_debate(ctx.space.id, ctx.args.get("motion"), sides,
                                                    fmt, channel, ctx.actor, ctx.now),
                          ctx.now, ctx.summarizer)
    await record(ctx, debate, "start", debate.motion)
    modes = f" Voting is {render.voting_modes(debate)}." if debate.format.voting else ""
    if settings.bot.min_membership_age and ctx.actor.member_since is None:  # Slack, the console
        modes += (" Note: this platform does not say when members joined, so the minimum membership age to "
                  "vote does not apply here.")
    return Reply(Message(f"Debate #{debate.number} has started; its thread is open for the pre-vote.{modes}",
                         kind="info"))


async def launch(uow: UnitOfWork, debate: Debate, now: datetime, summarizer: Summarizer) -> Debate:
    """A new debate stored, its card queued (opening its thread) and its pre-vote begun; also what a
    schedule does when it fires."""
    debate = await uow.add_debate(debate)
    thread_name = shorten(f"Debate #{debate.number}: {debate.motion}", 90)
    await uow.enqueue(debate.space_id, Outgoing(render.card(debate, {}, 0), debate.channel_id, debate.id,
                                                open_thread=thread_name, subject=(CARD, debate.id)), now)
    await entered(uow, debate, now, summarizer, card=False)
    return debate


async def status(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/debate status debate:1", share=True)
    return Reply(render.status(debate, *await tally(ctx.uow, debate)))


async def list_(ctx: Ctx) -> Reply:
    every = await ctx.uow.debates(ctx.space.id)
    shown = every if ctx.args.get("all") else [d for d in every if d.state in ACTIVE]
    return Reply(render.debate_list(shown, finished=len(every) - len(shown)))


async def next_(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/debate next debate:1")
    rules.check_ends(debate, ctx.args.get("phase"), ctx.now)
    before = debate.phase_name
    debate = rules.advance(debate, ctx.now)
    await entered(ctx.uow, debate, ctx.now, ctx.summarizer, opinion=ctx.settings.opinion)
    await record(ctx, debate, "next", f"{before} -> {debate.phase_name}")
    return Reply(Message(f"Debate #{debate.number}: {before} ended early; now {debate.phase_name}."))


async def extend(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/debate extend minutes:10 debate:1")
    rules.require_active(debate, "extend it")
    minutes = ctx.args.get("minutes")
    debate = replace(debate, phase_ends_at=debate.phase_ends_at + timedelta(minutes=minutes))
    await ctx.uow.save_debate(debate)
    await ctx.uow.unschedule(debate.id, PHASE_END)
    await ctx.uow.schedule(phase_end(debate.id, debate.space_id, debate.phase, debate.phase_ends_at))
    await plan_reminders(ctx.uow, debate, ctx.now)
    text = f"The {debate.phase_name} was extended by {minutes} min; it now ends {render.when(debate.phase_ends_at)}."
    await ctx.emit(Outgoing(render.notice(debate, text), debate.channel_id, debate.id, in_thread=True))
    await refresh_card(ctx.uow, debate, ctx.now)
    await record(ctx, debate, "extend", f"{minutes} min")
    return Reply(Message(text))


async def close(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/debate close debate:1")
    rules.require_active(debate, "close it")
    debate = rules.finish(debate, ctx.now)
    await entered(ctx.uow, debate, ctx.now, ctx.summarizer, opinion=ctx.settings.opinion)
    await record(ctx, debate, "close")
    return Reply(Message(f"Debate #{debate.number} is closed; the results are in its thread."))


async def cancel(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/debate cancel debate:1")
    debate = rules.cancel(debate, ctx.now)
    reason = ctx.args.get("reason")
    await entered(ctx.uow, debate, ctx.now, ctx.summarizer, opinion=ctx.settings.opinion)
    text = f"A moderator cancelled debate #{debate.number}." + (f" Reason: {reason}" if reason else "")
    await ctx.emit(Outgoing(render.notice(debate, text), debate.channel_id, debate.id, in_thread=True))
    await record(ctx, debate, "cancel", reason or "")
    return Reply(Message(f"Debate #{debate.number} is cancelled."))
