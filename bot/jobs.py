"""Kinds of due work, each with its handler, registered in one table as commands are.

A job is written in the same transaction as the change that makes it due, claimed with a lease when due,
and run by the handler of its kind in the transaction that marks it done, so it fires once even with
several processes. Adding a kind is one handler here (or in its own module) plus its test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from datetime import datetime

from bot import rules
from bot.config import Settings
from bot.domain import Job
from bot.ports import Summarizer, UnitOfWork


@dataclass(frozen=True)
class JobCtx:
    uow: UnitOfWork
    job: Job
    now: datetime
    settings: Settings
    summarizer: Summarizer
    # Work that must not hold the job's transaction (a language model's answer may take seconds): each is
    # awaited after the job's transaction commits, with the store's ``transact`` to record what it made.
    after: list[AfterCommit] = field(default_factory=list)


AfterCommit = Callable[[Callable[[Any], Awaitable[Any]]], Awaitable[None]]
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
    await entered(ctx.uow, rules.advance(debate, ctx.job.due_at), ctx.job.due_at, ctx.summarizer)
    return True
