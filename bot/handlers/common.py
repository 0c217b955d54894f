"""What every handler shares: its context, finding the debate meant, and the effects of a state change.

A state change and the messages it causes are written in the same unit of work (the outbox), and the next
deadline with them (the agenda), so a crash can lose neither and delivery happens after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot import itt, render, render_itt, results, rules
from bot.commands import Bound
from bot.config import Settings
from bot.domain import UNDECIDED, Actor, AuditEntry, Debate, Job, Space, SpaceRef, State
from bot.errors import NotFound, UserError
from bot.jobs import PHASE_END, phase_end, plan_reminders

CLOSING_STEELMAN = "closing_steelman"  # a closed debate's steelman, when a language model writes it
from bot.messages import File, Message, Outgoing
from bot.ports import Summarizer, UnitOfWork
from bot.summaries import ArgumentView, SteelmanReport, side_ratings

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


async def find_debate(ctx: Ctx, example: str, share: bool = False) -> Debate:
    """The debate named by `debate:N`, else the one whose thread this is; a clear reply otherwise.
    `share`: the command does not change the debate's row (see UnitOfWork.debate)."""
    number = ctx.args.get("debate")
    if number is not None:
        debate = await ctx.uow.debate(ctx.space.id, number, share=share, member=ctx.actor.user_id)
        if debate is None:  # also the answer for a number that exists only in another community
            raise NotFound(f"There is no debate #{number} here.", "See this community's debates with /debate list.")
        return debate
    if ctx.request.thread_id:
        debate = await ctx.uow.debate_in_thread(ctx.space.id, ctx.request.thread_id, share=share,
                                                member=ctx.actor.user_id)
        if debate is not None:
            return debate
    raise UserError(
        "This is not a debate's thread, so I can't tell which debate you mean.",
        f"Post in the debate's thread, or name it, e.g. `{example}`.",
    )


async def check_pace(ctx: Ctx, debate: Debate, kind: str, note: bool = False) -> None:
    """Per-member rate limits of `kind` (a key of rules.PACED) in this debate, from the `[limits]` keys
    `<kind>_per_minute` and `<kind>_per_debate`, counted from the member's own rows. Call it once what
    they asked is known to change something (a repeat is free), just before writing it. `note`: the
    kind leaves no row of its own, so one is noted for it."""
    limits, member = ctx.settings.limits, ctx.actor.user_id
    per_minute, per_debate = getattr(limits, f"{kind}_per_minute"), getattr(limits, f"{kind}_per_debate")
    counted = {"position_changes": "positions", "arguments": "arguments", "votes": "votes"}.get(kind)
    known = ctx.uow.known_count(counted, debate.id, member) if counted else None
    if known is None or known >= min(per_minute, per_debate):  # fewer in all than either limit: no count
        total, recent, oldest = await ctx.uow.pace(kind, debate.id, member, ctx.now - rules.PACE_WINDOW)
        rules.check_pace(kind, total, recent, oldest, ctx.now, per_minute, per_debate, debate.number)
    if note:
        await ctx.uow.note_action(kind, debate.id, member, ctx.now)


async def record(ctx: Ctx, debate: Debate, action: str, detail: str = "") -> None:
    await ctx.uow.audit(AuditEntry(debate.id, ctx.actor.user_id, ctx.actor.name, action, detail, ctx.now))


async def record_space(ctx: Ctx, action: str, detail: str = "") -> None:
    """A moderator's action on the community rather than one debate (a schedule, a motion): audited."""
    actor = ctx.actor
    await ctx.uow.audit(AuditEntry(None, actor.user_id, actor.name, action, detail, ctx.now, ctx.space.id))


async def tally(uow: UnitOfWork, debate: Debate) -> tuple[dict[str, int], int]:
    """Members per side (in the debate's order, empty sides left out) and the number of arguments."""
    counts, arguments = await uow.tally(debate.id)
    return {k: counts[k] for k in (*debate.side_keys, "undecided") if counts.get(k)}, arguments


CARD = "card"


async def refresh_card(uow: UnitOfWork, debate: Debate, now: datetime) -> None:
    """Queue an edit of the debate's card, drawn when it is sent: while one is pending, a burst of votes
    adds nothing (no render, no count, no second edit)."""
    out = Outgoing(None, debate.channel_id, debate.id, subject=(CARD, debate.id), coalesce_key=f"card:{debate.id}",
                   render=CARD)
    await uow.refresh(debate.space_id, out, now)


async def draw(uow: UnitOfWork, what: str, debate_id: int | None) -> Message | None:
    """A message rendered at sending time from the current state (None if its debate is gone)."""
    debate = await uow.debate_by_id(debate_id) if debate_id is not None else None
    if what != CARD or debate is None:
        return None
    return render.card(debate, *await tally(uow, debate))


async def announce(uow: UnitOfWork, debate: Debate, message: Any, now: datetime) -> None:
    await uow.enqueue(debate.space_id, Outgoing(message, debate.channel_id, debate.id, in_thread=True), now)


async def views(uow: UnitOfWork, debate: Debate) -> list[ArgumentView]:
    """Arguments as the summary engines see them, each endorser tagged with the side they held when they
    endorsed (an argument that converted its endorsers still counts as endorsed across sides)."""
    history: dict[str, list[tuple[datetime, str]]] = {}
    for p in await uow.positions(debate.id):
        history.setdefault(p.member_id, []).append((p.recorded_at, p.side))
    endorsers: dict[int, list[tuple[str, str]]] = {}
    for e in await uow.endorsements(debate.id):
        endorsers.setdefault(e.argument, []).append((e.member_id, side_then(history.get(e.member_id, []), e.created_at)))
    return [
        ArgumentView(a.number, a.side, a.text, a.author_id, a.author_name, a.rebuts, tuple(endorsers.get(a.number, ())))
        for a in await uow.arguments(debate.id)
    ]


def side_then(history: list[tuple[datetime, str]], at: datetime) -> str:
    """The side held at `at`: the last position recorded by then (a member's first position if none was)."""
    held = history[0][1] if history else UNDECIDED
    for recorded_at, side in history:
        if recorded_at > at:
            break
        held = side
    return held


async def summarize(uow: UnitOfWork, debate: Debate, summarizer: Summarizer, per_side: int = 3
                    ) -> SteelmanReport:
    """The steelman by the engine that runs inside a transaction (the LLM runs after: handlers/steelman.py)."""
    return summarizer.summarize(await views(uow, debate), debate.side_keys, per_side)


async def entered(uow: UnitOfWork, debate: Debate, now: datetime, summarizer: Summarizer,
                  card: bool = True, opinion: Any = None) -> None:
    """Effects of a debate entering its current phase: deadline, announcement, card, results. `opinion`:
    the `[opinion]` settings the results' groups are found with (None: the defaults)."""
    await uow.save_debate(debate)
    await uow.unschedule(debate.id, PHASE_END)
    if debate.state.active and debate.phase_ends_at is not None:
        await uow.schedule(phase_end(debate.id, debate.space_id, debate.phase, debate.phase_ends_at))
    await plan_reminders(uow, debate, now)
    if debate.state.active:
        await announce(uow, debate, render.phase_started(debate), now)
    if debate.state is State.POST_VOTE:
        await remind_members(uow, debate, now)
    elif debate.state is State.CLOSED:
        await post_results(uow, debate, now, summarizer, opinion)
    if card:
        await refresh_card(uow, debate, now)


async def remind_members(uow: UnitOfWork, debate: Debate, now: datetime) -> None:
    """The post-vote is open: each member who asked (/remind me) gets one direct message, unless they
    have voted in it already."""
    asked = await uow.reminder_requests(debate.space_id, debate.id)
    if not asked:
        return
    voted = {p.member_id for p in await uow.positions(debate.id) if p.phase == debate.format.post_vote_phase}
    keys = "|".join(debate.side_keys)
    for member in asked:
        if member in voted:
            continue
        text = (f"The post-vote of debate #{debate.number} is open: “{debate.motion}”. You voted in the "
                f"pre-vote; where do you stand now, after the rounds? Vote in the debate's thread, or with "
                f"`/position debate:{debate.number} side:<{keys}|undecided>`. "
                f"It closes {render.when(debate.phase_ends_at)}.")
        message = Message(text, title=f"Debate #{debate.number}: the post-vote is open", kind="announcement")
        out = Outgoing(message, debate.channel_id, debate.id, direct_to=member)
        await uow.enqueue(debate.space_id, out, now)


def with_chart(message: Message) -> Message:
    """The results with their chart drawn as an image, when matplotlib (the `report` extra) is installed;
    without it adapters still draw the chart's data as they can."""
    from bot.export import charts  # here: exports build on the handlers' vocabulary, not the reverse

    png = charts.bars(message.chart) if message.chart else None
    if png is None:
        return message
    return replace(message, files=(*message.files, File("results-chart.png", png, "image/png")))


async def post_results(uow: UnitOfWork, debate: Debate, now: datetime, summarizer: Summarizer,
                       opinion: Any = None) -> None:
    outcome = results.compute(debate, await uow.positions(debate.id))
    arguments = {a.number: a for a in await uow.arguments(debate.id)}
    await announce(uow, debate, with_chart(render.results(debate, outcome, arguments)), now)
    if debate.format.has_itt:
        outcomes = itt.outcome(debate, await uow.itt_entries(debate.id), await uow.itt_ratings(debate.id))
        await announce(uow, debate, render_itt.results(debate, outcomes), now)
    report = await summarize(uow, debate, summarizer)
    await post_groups(uow, debate, now, arguments, {p.number for p in report.common_ground}, opinion)
    if await chosen_llm(uow, debate.space_id, summarizer) is not None:
        # The space chose the language model: its answer is awaited after this transaction, by a job
        # (handlers/steelman.py), which then posts the steelman and closes the thread; written again
        # after a crash until it has.
        await uow.schedule(Job(CLOSING_STEELMAN, now, debate.space_id, f"debate:{debate.id}", debate.id))
        return
    await close_with(uow, debate, report, now)


async def close_with(uow: UnitOfWork, debate: Debate, report: SteelmanReport, now: datetime) -> None:
    """A closed debate's steelman, with how each side rated its case so far, then the closing notice."""
    ratings = side_ratings(await uow.steelman_ratings(debate.id))
    await announce(uow, debate, render.steelman_summary(debate, report, ratings=ratings), now)
    said = "Thank you all for arguing well." if await uow.arguments(debate.id) else "No argument was posted."
    closing = render.notice(debate, f"This debate is closed. {said}")
    # subject "closing": sent once the members' posts queued before it are out (storage.codec.stream_of)
    await uow.enqueue(debate.space_id, Outgoing(closing, debate.channel_id, debate.id, in_thread=True,
                                                close_thread=True, subject=("closing", debate.id)), now)


async def post_groups(uow: UnitOfWork, debate: Debate, now: datetime, arguments: dict,
                      common_ground: set[int], opinion: Any = None) -> None:
    """The opinion groups of the debate's votes, with the opinion map (nothing without numpy)."""
    from bot import render_opinion
    from bot.handlers.votes import groups_of  # here: votes builds on this module

    found = await groups_of(uow, debate, opinion)
    if found is not None:
        message = render_opinion.groups(debate, found, arguments, common_ground)
        await announce(uow, debate, render_opinion.with_map(message, debate, found), now)


async def chosen_llm(uow: UnitOfWork, space_id: int, summarizer: Summarizer) -> Any:
    """The LLM engine, if this space chose it and the bot has one; else None."""
    choose = getattr(summarizer, "for_engine", None)
    if choose is None or await uow.steelman_engine(space_id) != "llm":
        return None
    engine = choose("llm")
    return engine if getattr(engine, "engine", "") == "llm" else None
