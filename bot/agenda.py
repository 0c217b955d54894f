"""The one loop that wakes at the next due time: fire deadlines, deliver the outbox, sleep again."""

from __future__ import annotations

import asyncio
import logging

from bot.core import Steelman
from bot.ports import Chat, Clock

log = logging.getLogger("steelman.agenda")


class Agenda:
    def __init__(self, core: Steelman, chat: Chat, clock: Clock):
        self.core, self.chat, self.clock = core, chat, clock
        self.wake = asyncio.Event()
        core.on_change(self.wake.set)

    async def settle(self) -> int:
        """Run until nothing is due now: every deadline up to the clock's time fired, every message sent."""
        done = 0
        while True:
            step = await self.core.run_due() + await self.core.deliver(self.chat)
            if not step:
                return done
            done += step

    async def run(self) -> None:
        while True:
            self.wake.clear()
            try:
                await self.settle()
            except Exception:  # a store or network fault must not stop the loop; it retries soon
                log.exception("agenda step failed; retrying")
                await asyncio.sleep(1)
                continue
            await self.clock.sleep_until(await self.core.next_wakeup(), self.wake)
