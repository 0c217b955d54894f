"""What every handler shares: its context, finding the debate meant, and the effects of a state change.

A state change and the messages it causes are written in the same unit of work (the outbox), and the next
deadline with them (the agenda), so a crash can lose neither and delivery happens after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import render, results
from bot.commands import Bound
from bot.config import Settings
from bot.errors import NotFound, UserError
from bot.domain import Actor, Debate, ModAction, Space, SpaceRef, State
from bot.messages import Outgoing
from bot.summaries import ArgumentView, SteelmanReport
from bot.ports import Summarizer, UnitOfWork

PHASE_END = "phase_end"


@dataclass(frozen=True)
class Request:
    """Who asked, where, and the platform's own id of the event (for processing it once)."""

    space: SpaceRef
    actor: Actor
    channel_id: str
    thread_id: str | None = None
    event_key: str | None = None


@dataclass
class Ctx:
    uow: UnitOfWork
    space: Space
    request: Request
    args: Bound
    now: datetime
    settings: Settings
    summarizer: Summarizer
    emitted: list[int] = field(default_factory=list)

    @property
    def actor(self) -> Actor:
        return self.request.actor

    async def emit(self, out: Outgoing) -> None:
        self.emitted.append(await self.uow.enqueue(self.space.id, out, self.now))


async def find_debate(ctx: Ctx, example: str) -> Debate:
    """The debate named by `debate:N`, else the one whose thread this is; a clear reply otherwise."""
    number = ctx.args.get("debate")
    if number is not None:
        debate = await ctx.uow.debate(ctx.space.id, number)
        if debate is None:  # also the answer for a number that exists only in another community
            raise NotFound(f"There is no debate #{number} here.", "See this community's debates with /debate list.")
        return debate
    if ctx.request.thread_id:
        debate = await ctx.uow.debate_in_thread(ctx.space.id, ctx.request.thread_id)
        if debate is not None:
            return debate
    raise UserError(
        "This is not a debate's thread, so I can't tell which debate you mean.",
        f"Post in the debate's thread, or name it, e.g. `{example}`.",
    )


async def record(ctx: Ctx, debate: Debate, action: str, detail: str = "") -> None:
    await ctx.uow.record_action(
        ModAction(debate.id, ctx.actor.user_id, ctx.actor.name, action, detail, ctx.now)
    )


async def tally(uow: UnitOfWork, debate: Debate) -> tuple[dict[str, int], int]:
    """Members per side (in the debate's order, empty sides left out) and the number of arguments."""
    counts, arguments = await uow.tally(debate.id)
    return {k: counts[k] for k in (*debate.side_keys, "undecided") if counts.get(k)}, arguments


async def refresh_card(uow: UnitOfWork, debate: Debate, now: datetime) -> None:
    """Queue an edit of the debate's card; a pending edit not yet sent is replaced, not repeated."""
    card_id = await uow.outbox_id_of(debate.space_id, ("card", debate.id))
    if card_id is None:
        return
    message = render.card(debate, *await tally(uow, debate))
    out = Outgoing(message, debate.channel_id, debate.id, edit_of=card_id, coalesce_key=f"card:{debate.id}")
    await uow.enqueue(debate.space_id, out, now)


async def announce(uow: UnitOfWork, debate: Debate, message: Any, now: datetime) -> None:
    await uow.enqueue(debate.space_id, Outgoing(message, debate.channel_id, debate.id, in_thread=True), now)


async def views(uow: UnitOfWork, debate: Debate) -> list[ArgumentView]:
    """Arguments as the summary engines see them, each endorser tagged with their current side."""
    side_of: dict[str, str] = {}
    for p in await uow.positions(debate.id):
        side_of[p.member_id] = p.side
    endorsers: dict[int, list[tuple[str, str]]] = {}
    for e in await uow.endorsements(debate.id):
        endorsers.setdefault(e.argument, []).append((e.member_id, side_of.get(e.member_id, "undecided")))
    return [
        ArgumentView(a.number, a.side, a.text, a.author_id, a.author_name, a.rebuts, tuple(endorsers.get(a.number, ())))
        for a in await uow.arguments(debate.id)
    ]


async def summarize(uow: UnitOfWork, debate: Debate, summarizer: Summarizer) -> SteelmanReport:
    return summarizer.summarize(await views(uow, debate), debate.side_keys, 3)


async def entered(uow: UnitOfWork, debate: Debate, now: datetime, summarizer: Summarizer,
                  card: bool = True) -> None:
    """Effects of a debate entering its current phase: deadline, announcement, card, results."""
    await uow.save_debate(debate)
    await uow.unschedule(debate.id)
    if debate.state.active and debate.phase_ends_at is not None:
        await uow.schedule(debate.space_id, debate.id, PHASE_END, debate.phase, debate.phase_ends_at)
    if debate.state.active:
        await announce(uow, debate, render.phase_started(debate), now)
    elif debate.state is State.CLOSED:
        await post_results(uow, debate, now, summarizer)
    if card:
        await refresh_card(uow, debate, now)


async def post_results(uow: UnitOfWork, debate: Debate, now: datetime, summarizer: Summarizer) -> None:
    outcome = results.compute(debate, await uow.positions(debate.id))
    arguments = {a.number: a for a in await uow.arguments(debate.id)}
    await announce(uow, debate, render.results(debate, outcome, arguments), now)
    report = await summarize(uow, debate, summarizer)
    await announce(uow, debate, render.steelman_summary(debate, report), now)
    await announce(uow, debate, render.notice(debate, "This debate is closed. Thank you all for arguing well."), now)
