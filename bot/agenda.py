"""The one loop that wakes at the next due time: fire deadlines, deliver the outbox, sleep again."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.core import Core
from bot.ports import Chat, Clock

log = logging.getLogger("steelman.agenda")


class Agenda:
    def __init__(self, core: Core, chat: Chat, clock: Clock):
        self.core, self.chat, self.clock = core, chat, clock
        self.wake = asyncio.Event()
        core.on_change(self.wake.set)

    async def settle(self) -> int:
        """Run until nothing is due now: every deadline up to the clock's time fired, every message sent."""
        done = 0
        while not self.core.stopping:
            step = await self.core.run_due() + await self.core.deliver(self.chat)
            if not step:
                return done
            done += step
        return done

    async def advance(self, delta: timedelta) -> None:
        """On a manual clock: move time forward, stopping at each deadline on the way, so every event
        happens at its own time (as the running loop would wake for it)."""
        target = self.clock.now() + delta
        while (due := await self.core.next_wakeup()) is not None and due <= target:
            self.clock.set(max(due, self.clock.now()))
            if not await self.settle():
                break  # due work that cannot run yet (another process holds its lease): move on
        self.clock.set(target)
        await self.settle()

    async def run(self) -> None:
        """Until `stop`: the step in progress then ends, claiming nothing more."""
        # listening before the first look: no other process's news is missed in between
        await self.core.listen(self.wake.set)
        while not self.core.stopping:
            self.wake.clear()
            try:
                await self.settle()
            except Exception:  # a store or network fault must not stop the loop; it retries soon
                log.exception("agenda step failed; retrying")
                await asyncio.sleep(1)
                continue
            if not self.core.stopping:
                await self.clock.sleep_until(await self.core.next_wakeup(), self.wake)

    def stop(self) -> None:
        self.core.stopping = True
        self.wake.set()
