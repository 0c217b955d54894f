"""Kinds of due work, each with its handler, registered in one table as commands are.

A job is written in the same transaction as the change that makes it due, claimed with a lease when due,
and run by the handler of its kind in the transaction that marks it done, so it fires once even with
several processes. A handler whose work must wait for something slow after commit defers it
(`JobCtx.defer`): that job is done only when the deferred work records its result. Adding a kind is one handler here (or in its own module) plus its test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import rules
from bot.config import Settings
from bot.domain import Debate, Job
from bot.ports import Summarizer, UnitOfWork


@dataclass(frozen=True)
class JobCtx:
    uow: UnitOfWork
    job: Job
    now: datetime
    settings: Settings
    summarizer: Summarizer
    # Work that must not hold the job's transaction (a language model's answer may take seconds): see
    # `defer`. Each entry: the work, and how long it may take.
    after: list[tuple[AfterCommit, float]] = field(default_factory=list)

    def defer(self, work: AfterCommit, seconds: float) -> None:
        """Await `work` after the job's transaction commits. The job is not done then: it stays pending
        under this process's lease (for `seconds` more than a job's lease) until `work` records what it
        made through the ``finish`` it is given, which marks the job done in the same transaction, once.
        If the process dies first, the lease runs out and a restarted process, or another one, runs the
        job again; if two ever finish it, only the first one's record is kept."""
        self.after.append((work, seconds))


# The work is given ``finish``: finish(record) runs record(uow) and marks the job done, in one transaction;
# False (and record not run) when the job was already done.
Finish = Callable[[Callable[[Any], Awaitable[Any]]], Awaitable[bool]]
AfterCommit = Callable[[Finish], Awaitable[None]]
JobHandler = Callable[[JobCtx], Awaitable[bool]]  # True when it changed something worth telling
JOBS: dict[str, JobHandler] = {}


def job_kind(kind: str) -> Callable[[JobHandler], JobHandler]:
    def register(handler: JobHandler) -> JobHandler:
        if kind in JOBS:
            raise ValueError(f"job kind {kind!r} is registered twice")
        JOBS[kind] = handler
        return handler

    return register


PHASE_END = "phase_end"


def phase_end(debate_id: int, space_id: int, phase: int, due_at: datetime) -> Job:
    return Job(PHASE_END, due_at, space_id, f"debate:{debate_id}:{phase}", debate_id, phase)


@job_kind(PHASE_END)
async def end_phase(ctx: JobCtx) -> bool:
    """A phase's deadline: the debate moves on, at the deadline's own time (not whenever we woke), so
    chained phases stay on time after downtime. A phase already ended by a moderator is left alone."""
    from bot.handlers.common import entered  # handlers build on jobs' vocabulary, not the reverse

    debate = await ctx.uow.debate_by_id(ctx.job.debate_id)
    if debate is None or not debate.state.active or debate.phase != ctx.job.phase:
        return False
    await entered(ctx.uow, rules.advance(debate, ctx.job.due_at), ctx.job.due_at, ctx.summarizer,
                  opinion=ctx.settings.opinion)
    return True


REMINDER = "phase_reminder"


def reminder_jobs(debate: Debate) -> list[Job]:
    """The reminders of the debate's current phase, each due its span before the phase closes."""
    if not debate.state.active or debate.phase_ends_at is None:
        return []
    return [Job(REMINDER, debate.phase_ends_at - before, debate.space_id,
                f"debate:{debate.id}:{debate.phase}:remind:{int(before.total_seconds())}", debate.id,
                debate.phase, {"before": before.total_seconds()})
            for before in debate.format.reminders(debate.phase)]


async def plan_reminders(uow: UnitOfWork, debate: Debate, now: datetime) -> None:
    """Drop the reminders queued for the debate and queue those of its phase as it stands now: a phase
    ended early takes its reminders with it; an extended one has them again at their new times."""
    await uow.unschedule(debate.id, REMINDER)
    for job in reminder_jobs(debate):
        if job.due_at > now:
            await uow.schedule(job)


@job_kind(REMINDER)
async def remind(ctx: JobCtx) -> bool:
    """'30 minutes left in the rebuttal round', once in the thread. A reminder of a phase that has since
    ended, or whose deadline moved (its reminder was queued again), says nothing."""
    from bot import render
    from bot.handlers.common import announce

    debate = await ctx.uow.debate_by_id(ctx.job.debate_id)
    before = timedelta(seconds=ctx.job.payload.get("before", 0))
    if debate is None or not debate.state.active or debate.phase != ctx.job.phase \
            or debate.phase_ends_at is None or debate.phase_ends_at - before != ctx.job.due_at \
            or ctx.now >= debate.phase_ends_at:
        return False
    name = debate.phase_name
    phase = f"the {name}" if debate.phase in (0, debate.format.post_vote_phase) else f"the {name} round"
    late = ctx.now - ctx.job.due_at > timedelta(minutes=1)  # woken late (a restart): say what is true
    left = timedelta(minutes=(debate.phase_ends_at - ctx.now) // timedelta(minutes=1)) if late else before
    text = f"{span(left)} left in {phase}: it closes {render.when(debate.phase_ends_at)}."
    await announce(ctx.uow, debate, render.notice(debate, text), ctx.now)
    return True


def span(delta: timedelta) -> str:
    """'30 minutes', '1 hour 30 minutes', '45 seconds'."""
    total = int(delta.total_seconds())
    parts = [(total // 3600, "hour"), (total % 3600 // 60, "minute"), (total % 60, "second")]
    return " ".join(f"{n} {unit}{'s' * (n != 1)}" for n, unit in parts if n) or "0 minutes"
