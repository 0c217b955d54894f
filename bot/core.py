"""The core service: run a command once, fire due deadlines once, deliver the outbox in order.

Adapters call `execute` (or `execute_text`) and render the Reply; the agenda loop calls `run_due` and
`deliver`. Every user-caused error becomes a specific reply; anything else is logged and answered with a
short apology; in both cases the unit of work rolls back, so nothing is half-written. The outbox side
(`deliver`) is in bot/delivery.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from bot import catalog, commands, parse
from bot.commands import Command
from bot.cleaning import clean_name, strip_controls
from bot.config import Settings
from bot.delivery import Delivery
from bot.errors import Forbidden, StoreUnavailable, UserError
from bot.handlers import Ctx, Request
from bot.jobs import JOBS, JobCtx
from bot.domain import Job, State
from bot.logs import event
from bot.messages import Message, Reply
from bot.metrics import CountingStore, Metrics
from bot.ports import Clock, Store, Summarizer, UnitOfWork

log = logging.getLogger("steelman.core")
T = TypeVar("T")


UNSAVED = "Sorry, I could not save that just now. Nothing was recorded; please try again in a moment."
UNREADABLE = "Sorry, I could not read the records just now; please try again in a moment."


def error_reply(exc: UserError) -> Reply:
    # an error may echo what was typed (a command's name): no direction override or surrogate goes back
    return Reply(Message(strip_controls(str(exc)), kind="error"), ephemeral=True, option=exc.option)


class Core(Delivery):
    def __init__(self, store: Store, settings: Settings, clock: Clock, summarizer: Summarizer,
                 worker: str | None = None, metrics: Metrics | None = None):
        self.metrics = metrics or Metrics()
        self.store = store if metrics is None else CountingStore(store, metrics)
        self.settings = settings
        self.clock = clock
        self.summarizer = summarizer
        self.worker = worker or f"worker-{uuid.uuid4().hex[:8]}"
        self._listeners: list[Callable[[], None]] = []
        self._claims = 0  # each outbox claim gets its own name, so an earlier claim's rows are never mixed in
        self.stopping = False  # set at shutdown: claim no more due work, send nothing more

    def on_change(self, listener: Callable[[], None]) -> None:
        """Called after a commit that may have queued messages or deadlines (wakes the agenda loop)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    # ---- commands ---------------------------------------------------------------------------------------

    async def execute_text(self, request: Request, line: str) -> Reply:
        try:
            command, raw = parse.parse(line)
        except UserError as exc:
            return error_reply(exc)
        return await self.execute(request, command.name, raw)

    async def execute(self, request: Request, name: str, raw: dict[str, Any]) -> Reply:
        name_shown = clean_name(request.actor.name)
        if name_shown != request.actor.name:
            request = replace(request, actor=replace(request.actor, name=name_shown))
        started, seen = time.perf_counter(), _Seen()
        reply, outcome = await self._answer(request, name, raw, seen)
        seconds = time.perf_counter() - started
        # a metric label per typo would grow without end
        known = name if name in catalog.BY_NAME else "unknown"
        self.metrics.command(known, outcome, seconds)
        event(log, "command", space=_space(request), debate=seen.debate, command=known,
              outcome=outcome, ms=round(seconds * 1000, 1))
        return reply

    async def _answer(self, request: Request, name: str, raw: dict[str, Any], seen: "_Seen"
                      ) -> tuple[Reply, str]:
        try:
            command = catalog.find(name)
            bound = commands.bind(command, raw, self.settings.limits)
            self._authorize(command, request)
            return await self._run(command, bound, request, seen), "ok"
        except UserError as exc:
            return error_reply(exc), "refused"
        except StoreUnavailable as exc:  # locked past the busy timeout, disk full, read-only, unreachable
            log.warning("store unavailable during /%s in %s: %s", name, _space(request), exc)
            reads = name in catalog.BY_NAME and catalog.BY_NAME[name].reads
            text = (UNREADABLE if reads else UNSAVED)
            return Reply(Message(text, kind="error"), ephemeral=True), "unavailable"
        except Exception:
            log.exception("internal error in /%s from %s in %s", name, request.actor.user_id,
                          _space(request))
            return Reply(Message("Sorry, something went wrong on my side. Nothing was recorded; the error "
                                 "is logged for the moderators.", kind="error")), "error"

    def _authorize(self, command: Command, request: Request) -> None:
        if command.moderator and not request.actor.is_moderator:
            raise Forbidden(f"/{command.name} is for moderators only.",
                            "Ask a moderator if the debate needs it.")

    async def _run(self, command: Command, bound: commands.Bound, request: Request, seen: "_Seen"
                   ) -> Reply:
        now = self.clock.now()

        async def work(uow: UnitOfWork) -> Reply:
            space = await uow.space(request.space, now)
            ctx = Ctx(uow, space, request, bound, now, self.settings, self.summarizer)
            try:
                reply = await command.handler(ctx)
                seen.debate = uow.debate_seen
            except UserError:
                seen.debate = uow.debate_seen
                earlier = await uow.event_result(space.id, request.event_key) if request.event_key else None
                if earlier is None:
                    raise
                raise _Repeat(earlier) from None  # a repeat of an event already handled: answer as before
            if request.event_key and not command.reads:  # a read changes nothing: a repeat reads again
                result = {"text": reply.message.text, "kind": reply.message.kind, "ephemeral": reply.ephemeral}
                earlier = await uow.record_event(space.id, request.event_key, result, now)
                if earlier is not None:
                    raise _Repeat(earlier)  # the platform delivered this event again: undo, answer as before
            return reply

        try:
            reply = await (self.store.read(work) if command.reads else self.store.transact(work))
        except _Repeat as repeat:
            return repeat.reply
        if not command.reads:
            self._changed()
        finish = getattr(reply, "finish", None)  # work that must not hold a transaction: a model's answer
        return await finish() if finish else reply

    async def _read(self, request: Request, read: Callable[[UnitOfWork, Any], Awaitable[T]]) -> T:
        now = self.clock.now()

        async def work(uow: UnitOfWork) -> T:
            return await read(uow, await uow.space(request.space, now))

        return await self.store.transact(work)

    async def endorse_message(self, request: Request, message_id: str, withdraw: bool) -> Reply | None:
        """A 👍 on a message: if it shows an argument, agree with it (the endorsement), or take it back."""
        return await self.vote_message(request, message_id, "agree", withdraw)

    async def vote_message(self, request: Request, message_id: str, vote: str,
                           withdraw: bool) -> Reply | None:
        """A reaction on a message (👍 agree, 👎 disagree): if it shows an argument, vote on it; removing
        the reaction takes that vote back, and only that one (a vote changed since is left alone). None
        when the message shows no argument or there is nothing to take back."""
        async def shown(uow: UnitOfWork, space: Any) -> Any:
            subject = await uow.subject_of(space.id, message_id)
            if not subject or subject[0] != "argument":
                return None
            debate = await uow.debate_by_id(subject[2])
            if debate is None:
                return None
            held = await uow.current_vote(debate.id, subject[1], request.actor.user_id)
            return subject[1], debate.number, held

        found = await self._read(request, shown)
        if found is None or withdraw and found[2] != vote:
            return None
        return await self.execute(request, "vote", {"argument": found[0], "debate": found[1],
                                                    "vote": "withdraw" if withdraw else vote})

    # ---- reads for adapters (autocomplete, forms) ----------------------------------------------------------

    async def debates(self, request: Request, active_only: bool = True) -> list:
        """This community's debates, newest first (for autocomplete)."""
        states = (State.PRE_VOTE, State.ROUND, State.POST_VOTE) if active_only else None

        async def read(uow: UnitOfWork, space: Any) -> list:
            return sorted(await uow.debates(space.id, states), key=lambda d: -d.number)

        return await self._read(request, read)

    async def debate_for(self, request: Request, number: int | None = None):
        """The debate named, or the one whose thread the request comes from; None when there is none."""
        async def read(uow: UnitOfWork, space: Any) -> Any:
            if number is not None:
                return await uow.debate(space.id, number)
            if request.thread_id:
                return await uow.debate_in_thread(space.id, request.thread_id)
            return None

        return await self._read(request, read)

    # ---- due work ---------------------------------------------------------------------------------------

    async def run_due(self) -> int:
        """Run every job that is due, by its kind's handler; each fires once even with several processes."""
        if self.stopping:
            return 0
        now = self.clock.now()
        until = now + timedelta(seconds=self.settings.agenda.lease_seconds)
        claimed = await self.store.transact(lambda uow: uow.claim_due(now, self.worker, until))
        afters: list[list] = [[] for _ in claimed]
        outcomes = await asyncio.gather(*(self.store.transact(partial(self._fire, job, now, after))
                                          for job, after in zip(claimed, afters)), return_exceptions=True)
        await asyncio.gather(*(self._after(job, after)
                               for job, after, outcome in zip(claimed, afters, outcomes) if outcome is True))
        fired = 0
        for job, outcome in zip(claimed, outcomes):
            if isinstance(outcome, BaseException):  # its lease runs out and it is tried again
                log.error("job %s (%s) failed: %r", job.id, job.kind, outcome, exc_info=outcome)
            lag = (now - job.due_at).total_seconds()
            self.metrics.job(job.kind, max(0.0, lag))
            event(log, "job", space_id=job.space_id, debate_id=job.debate_id, job=job.kind,
                  phase=job.phase, outcome=_job_outcome(outcome), lag_ms=round(lag * 1000))
            fired += outcome is True
        if fired:
            self._changed()
        return fired

    async def _after(self, job: Job, after: list) -> None:
        """A fired job's deferred work (a model's answer), which finishes the job when it records its
        result. A failure is logged; the job stays pending, and is run again when its lease runs out."""
        async def finish(record: Callable[[UnitOfWork], Awaitable[Any]]) -> bool:
            async def unit(uow: UnitOfWork) -> bool:
                if not await uow.finish_due(job.id, self.clock.now()):
                    return False  # finished meanwhile (its lease ran out and another process ran it)
                await record(uow)
                return True

            done = await self.store.transact(unit)
            if done:
                self._changed()
            return done

        for work, _ in after:
            try:
                await work(finish)
            except Exception:
                log.exception("job %s (%s): its work after commit failed", job.id, job.kind)

    async def _fire(self, job: Job, now: datetime, after: list, uow: UnitOfWork) -> bool:
        after.clear()  # a transaction tried again starts its list afresh
        if not await uow.finish_due(job.id, now):
            return False  # another process got there first
        handler = JOBS.get(job.kind)
        if handler is None:  # written by a newer version, or a kind since removed: done, and said so
            log.error("job %s has kind %r, which no handler runs; marked done", job.id, job.kind)
            return False
        fired = await handler(JobCtx(uow, job, now, self.settings, self.summarizer, after))
        if after:  # deferred work: pending under this process's lease until that work finishes it
            longest = self.settings.agenda.lease_seconds + max(seconds for _, seconds in after)
            await uow.hold_due(job.id, now + timedelta(seconds=longest))
        return fired

    async def listen(self, wake: Callable[[], None]) -> None:
        """`wake` is called when another process queues or releases work (a shared store)."""
        await self.store.listen(wake)

    async def release_claims(self) -> int:
        """At shutdown: release this process's unfinished claims: another process takes them."""
        released = await self.store.transact(lambda uow: uow.release_claims(self.worker))
        event(log, "released", worker=self.worker, claims=released)
        return released

    async def outbox_backlog(self) -> tuple[int, float]:
        """Messages waiting, and how long the oldest has waited, in seconds (for metrics)."""
        count, oldest = await self.store.transact(lambda uow: uow.outbox_backlog())
        return count, max(0.0, (self.clock.now() - oldest).total_seconds()) if oldest else 0.0

    async def next_wakeup(self) -> datetime | None:
        async def read(uow: UnitOfWork) -> datetime | None:
            times = [t for t in (await uow.next_due_at(), await uow.next_outbox_at()) if t]
            return min(times) if times else None

        return await self.store.transact(read)


class _Seen:
    """What a command's log line names beyond the request: the debate its unit read or made."""

    debate: int | None = None


def _space(request: Request) -> str:
    # ids only: a community's name is chosen by its members
    return f"{request.space.platform}:{request.space.external_id}"


def _job_outcome(outcome: Any) -> str:
    if isinstance(outcome, BaseException):
        return "error"
    return "ok" if outcome is True else "nothing"


class _Repeat(Exception):
    """A platform event handled before: its work is rolled back and the first answer given again."""

    def __init__(self, earlier: dict[str, Any]):
        super().__init__("repeat")
        self.reply = Reply(Message(earlier.get("text", "Already done."), kind=earlier.get("kind", "info")),
                           ephemeral=earlier.get("ephemeral", True))
