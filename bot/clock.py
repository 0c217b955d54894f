"""Clocks. Nothing in the core sleeps on the wall clock directly: tests and the demo move time by hand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta


class SystemClock:
    def __init__(self, max_sleep: float = 60.0):
        self.max_sleep = max_sleep  # wake now and then even with nothing due, so a missed poke costs little

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime | None, wake: asyncio.Event) -> None:
        timeout = self.max_sleep
        if when is not None:
            timeout = max(0.0, min(timeout, (when - self.now()).total_seconds()))
        try:
            await asyncio.wait_for(wake.wait(), timeout)
        except TimeoutError:
            pass


class ManualClock:
    """Time that moves only when told to: `advance` wakes every sleeper whose moment has come."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta
        self._moved.set()

    def set(self, at: datetime) -> None:
        self._now = at
        self._moved.set()

    async def sleep_until(self, when: datetime | None, wake: asyncio.Event) -> None:
        while when is None or self._now < when:
            if wake.is_set():
                return
            self._moved.clear()
            waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(self._moved.wait())]
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waiters:
                    w.cancel()
