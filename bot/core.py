"""The core service: run a command once, fire due deadlines once, deliver the outbox in order.

Adapters call `execute` (or `execute_text`) and render the Reply; the agenda loop calls `run_due` and
`deliver`. Every user-caused error becomes a specific reply; anything else is logged and answered with a
short apology; in both cases the unit of work rolls back, so nothing is half-written.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot import commands, parse, rules
from bot.commands import Command
from bot.config import Settings
from bot.errors import Forbidden, StoreUnavailable, UserError
from bot.handlers import HANDLERS, Ctx, Request
from bot.handlers.common import entered
from bot.domain import State
from bot.messages import Message, Reply
from bot.ports import Chat, Clock, PermanentDeliveryError, Store, Summarizer

log = logging.getLogger("steelman.core")


def error_reply(exc: UserError) -> Reply:
    return Reply(Message(str(exc), kind="error"), ephemeral=True)


class Core:
    def __init__(self, store: Store, settings: Settings, clock: Clock, summarizer: Summarizer,
                 worker: str | None = None):
        self.store = store
        self.settings = settings
        self.clock = clock
        self.summarizer = summarizer
        self.worker = worker or f"worker-{uuid.uuid4().hex[:8]}"
        self._listeners: list[Callable[[], None]] = []

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
        try:
            command = commands.find(name)
            bound = commands.bind(command, raw, self.settings.limits)
            self._authorize(command, request)
            return await self._run(command, bound, request)
        except UserError as exc:
            return error_reply(exc)
        except StoreUnavailable:
            log.warning("store unavailable during /%s in %s", name, request.space)
            return Reply(Message("Sorry, I could not save that just now. Nothing was recorded; please try again.",
                                 kind="error"))
        except Exception:
            log.exception("internal error in /%s from %s in %s", name, request.actor.user_id, request.space)
            return Reply(Message("Sorry, something went wrong on my side. Nothing was recorded; the error "
                                 "is logged for the moderators.", kind="error"))

    def _authorize(self, command: Command, request: Request) -> None:
        if command.moderator and not request.actor.is_moderator:
            raise Forbidden(f"/{command.name} is for moderators only.",
                            "Ask a moderator if the debate needs it.")

    async def _run(self, command: Command, bound: commands.Bound, request: Request) -> Reply:
        now = self.clock.now()
        async with self.store.unit_of_work() as uow:
            space = await uow.space(request.space)
            if request.event_key:
                earlier = await uow.claim_event(space.id, request.event_key)
                if earlier is not None:  # the platform delivered this event again: answer as before
                    return Reply(Message(earlier.get("text", "Already done."), kind=earlier.get("kind", "info")),
                                 ephemeral=earlier.get("ephemeral", True))
            ctx = Ctx(uow, space, request, bound, now, self.settings, self.summarizer)
            reply = await HANDLERS[command.name](ctx)
            if request.event_key:
                result = {"text": reply.message.text, "kind": reply.message.kind, "ephemeral": reply.ephemeral}
                await uow.set_event_result(space.id, request.event_key, result)
            await uow.commit()
        self._changed()
        return reply

    async def endorse_message(self, request: Request, message_id: str, withdraw: bool) -> Reply | None:
        """A reaction on a message: if it shows an argument, endorse (or withdraw) it. None otherwise."""
        async with self.store.unit_of_work() as uow:
            space = await uow.space(request.space)
            subject = await uow.subject_of(space.id, message_id)
            debate = await uow.debate_by_id(subject[2]) if subject and subject[0] == "argument" else None
        if debate is None:
            return None
        raw = {"argument": subject[1], "debate": debate.number, "withdraw": withdraw}
        return await self.execute(request, "endorse", raw)

    # ---- reads for adapters (autocomplete, forms) ----------------------------------------------------------

    async def debates(self, request: Request, active_only: bool = True) -> list:
        """This community's debates, newest first (for autocomplete)."""
        async with self.store.unit_of_work() as uow:
            space = await uow.space(request.space)
            states = (State.PRE_VOTE, State.ROUND, State.POST_VOTE) if active_only else None
            return sorted(await uow.debates(space.id, states), key=lambda d: -d.number)

    async def debate_for(self, request: Request, number: int | None = None):
        """The debate named, or the one whose thread the request comes from; None when there is none."""
        async with self.store.unit_of_work() as uow:
            space = await uow.space(request.space)
            if number is not None:
                return await uow.debate(space.id, number)
            if request.thread_id:
                return await uow.debate_in_thread(space.id, request.thread_id)
            return None

    # ---- deadlines --------------------------------------------------------------------------------------

    async def run_due(self) -> int:
        """Fire every deadline that is due; each fires once even with several processes."""
        now = self.clock.now()
        lease = self.settings.agenda.lease_seconds
        fired = 0
        for item in await self.store.claim_due(now, self.worker, lease):
            async with self.store.unit_of_work() as uow:
                if not await uow.finish_due(item.id):
                    continue  # another process got there first
                debate = await uow.debate_by_id(item.debate_id)
                if debate is not None and debate.state.active and debate.phase == item.phase:
                    # The phase ends at its deadline, not at whenever we woke: chained phases stay on time.
                    await entered(uow, rules.advance(debate, item.due_at), item.due_at, self.summarizer)
                    fired += 1
                await uow.commit()
        if fired:
            self._changed()
        return fired

    # ---- outbox -----------------------------------------------------------------------------------------

    async def deliver(self, chat: Chat) -> int:
        """Send what is queued, oldest first within each debate; failures are retried with backoff."""
        sent = 0
        while True:
            now = self.clock.now()
            batch = await self.store.claim_outbox(now, self.worker, self.settings.agenda.lease_seconds)
            if not batch:
                return sent
            for item in batch:
                sent += await self._deliver_one(chat, item)

    async def _deliver_one(self, chat: Chat, item: Any) -> int:
        now = self.clock.now()
        try:
            receipt = await chat.deliver(item)
        except PermanentDeliveryError as exc:
            log.error("message %s to %s refused for good: %s", item.id, item.out.channel_id, exc)
            await self.store.delivery_failed(item.id, str(exc), now, None)
            return 0
        except Exception as exc:
            attempts = item.attempts + 1
            if attempts >= self.settings.agenda.delivery_attempts:
                log.error("message %s gave up after %d attempts: %s", item.id, attempts, exc)
                await self.store.delivery_failed(item.id, repr(exc), now, None)
            else:
                delay = timedelta(seconds=min(600, 2 ** attempts))
                log.warning("message %s failed (attempt %d), retry in %s: %r", item.id, attempts, delay, exc)
                await self.store.delivery_failed(item.id, repr(exc), now, now + delay)
            return 0
        await self.store.delivered(item.id, receipt, now)
        return 1

    async def next_wakeup(self):
        times = [t for t in (await self.store.next_due_at(), await self.store.next_outbox_at()) if t]
        return min(times) if times else None
