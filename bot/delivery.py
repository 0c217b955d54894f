"""Delivering the outbox: what the core queued is sent by the platform's Chat, oldest first within each
stream and streams side by side, each message once; the outcome is recorded whatever happens. Part of
`bot.core.Core` (kept apart for size).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from bot import rules
from bot.errors import StoreUnavailable
from bot.handlers import schedules
from bot.handlers.common import draw, refresh_card
from bot.jobs import PHASE_END
from bot.logs import event
from bot.messages import OutboxItem
from bot.ports import Chat, PermanentDeliveryError, UnitOfWork

log = logging.getLogger("steelman.core")


class Delivery:
    """The outbox side of the core: needs its store, clock, settings, metrics, worker name and claims."""

    store: Any
    clock: Any
    settings: Any
    metrics: Any
    worker: str
    stopping: bool
    _claims: int

    async def deliver(self, chat: Chat) -> int:
        """Send what is queued, oldest first within each stream (a debate's thread, a channel), streams side
        by side: a stream held up (a platform's rate limit, a slow channel) delays no other. Returns once
        nothing more is due now; failures are retried later with backoff."""
        sent = 0
        in_flight: set[asyncio.Task] = set()
        while True:
            if not self.stopping:  # once stopping, what is in flight finishes and nothing new is claimed
                for item in await self._claim_heads():  # heads in flight are leased: never claimed twice
                    in_flight.add(asyncio.create_task(self._deliver_one(chat, item)))
            if not in_flight:
                return sent
            done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            sent += sum(task.result() for task in done)

    async def _claim_heads(self) -> list[OutboxItem]:
        now = self.clock.now()
        until = now + timedelta(seconds=self.settings.agenda.lease_seconds)
        self._claims += 1
        claim = f"{self.worker}#{self._claims}"
        return await self.store.transact(lambda uow: uow.claim_outbox(now, claim, until))

    async def _drawn(self, item: OutboxItem) -> OutboxItem | None:
        """An item drawn at sending time gets its message now, from the state as it is."""
        if item.out.message is not None:
            return item
        message = await self.store.transact(lambda uow: draw(uow, item.out.render, item.out.debate_id))
        return replace(item, out=replace(item.out, message=message)) if message else None

    async def _deliver_one(self, chat: Chat, item: OutboxItem) -> int:
        now = self.clock.now()
        try:
            ready = await self._drawn(item)
            if ready is None:
                await self._settle_delivery(lambda uow: uow.delivery_failed(item.id, "nothing to draw", now, None))
                return 0
            receipt = await chat.deliver(ready)
        except PermanentDeliveryError as exc:
            log.error("message %s to %s refused for good: %s", item.id, item.out.channel_id, exc)
            self._delivered(item, "failed")
            await self._settle_delivery(partial(_refused, item, exc, now))
            return 0
        except Exception as exc:
            retried = item.attempts + 1 < self.settings.agenda.delivery_attempts
            self._delivered(item, "retry" if retried else "failed")
            await self._retry_later(item, exc, now)
            return 0
        self._delivered(item, "ok")
        await self._settle_delivery(lambda uow: uow.delivered(item.id, receipt, now))
        return 1

    def _delivered(self, item: OutboxItem, outcome: str) -> None:
        self.metrics.delivery(item.space.platform, outcome)
        event(log, "delivery", space=f"{item.space.platform}:{item.space.external_id}",
              debate_id=item.out.debate_id, message=item.id, edit=item.edit_message_id is not None,
              outcome=outcome)

    async def _retry_later(self, item: OutboxItem, exc: Exception, now: datetime) -> None:
        attempts = item.attempts + 1
        if attempts >= self.settings.agenda.delivery_attempts:
            log.error("message %s gave up after %d attempts: %s", item.id, attempts, exc)
            retry_at = None
        else:
            # A platform that says when to come back (a rate limit's Retry-After) is taken at its word
            wait = getattr(exc, "retry_after", None)
            retry_at = now + timedelta(seconds=min(600, 2 ** attempts if wait is None else wait))
            log.warning("message %s failed (attempt %d), retry at %s: %r", item.id, attempts, retry_at, exc)
        # A platform that said when to come back refused the message: this attempt posted nothing
        unsent = getattr(exc, "retry_after", None) is not None
        await self._settle_delivery(lambda uow: uow.delivery_failed(item.id, repr(exc), now, retry_at, unsent))

    async def _settle_delivery(self, write: Callable[[UnitOfWork], Awaitable[None]], attempts: int = 4) -> None:
        """Record a delivery's outcome. The message is already out: losing this write would post it again,
        so it is retried through a short store outage."""
        for attempt in range(attempts):
            try:
                return await self.store.transact(write)
            except StoreUnavailable:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))


async def _refused(item: OutboxItem, exc: PermanentDeliveryError, now: datetime, uow: UnitOfWork) -> None:
    """Record a refusal for good. What was posted before it is recorded as delivered (never posted
    again, and later edits find it). A debate whose card or thread was refused is cancelled: it would
    otherwise run where nobody can see it."""
    if exc.receipt is not None:
        await uow.delivered(item.id, exc.receipt, now)
    else:
        await uow.delivery_failed(item.id, str(exc), now, None)
    if item.out.direct_to:  # a member who takes no direct messages: nothing else is wrong, nothing stops
        return
    await schedules.refused(uow, item, str(exc), now)  # schedules posting there are paused, saying why
    if not (item.out.open_thread and item.out.debate_id):
        return
    debate = await uow.debate_by_id(item.out.debate_id)
    if debate is None or not debate.state.active:
        return
    debate = rules.cancel(debate, now)
    await uow.save_debate(debate)
    await uow.unschedule(debate.id, PHASE_END)
    if exc.receipt is not None:  # the posted card shows it is cancelled, its vote buttons gone
        await refresh_card(uow, debate, now)
