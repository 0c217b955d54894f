"""Processes on one database wake each other: LISTEN/NOTIFY on one channel.

A unit of work that queued or released due work (a deadline, a message) sends a NOTIFY once it has
committed; every other process LISTENs on a dedicated connection and wakes its agenda, which then
reads what is due. The notification carries no data, only the sender's token (so a process ignores
its own): what is due is always read from the tables, and a lost notification costs at most
`max_sleep_seconds`.

The NOTIFY goes after COMMIT, on a pooled connection, rather than inside the transaction:
PostgreSQL serialises the commits of notifying transactions on one lock held through their WAL
flush, which would undo the concurrency of commands. Notifications of a burst are coalesced into
one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("steelman.storage.postgres")
CHANNEL = "steelman_wake"
HEALTH_CHECK_SECONDS = 30  # an idle connection whose peer vanished is noticed only when used
RECONNECT_SECONDS = 1.0


class Wakes:
    def __init__(self, connect: Callable[[], Awaitable[Any]], pooled: Callable[[], Any]):
        self._connect = connect  # a new dedicated connection
        self._pooled = pooled  # an async context manager giving a pooled connection
        self.token = uuid.uuid4().hex  # ours: a notification we sent wakes nobody here
        self._wakers: list[Callable[[], None]] = []
        self._pending = False
        self._notifier: asyncio.Task | None = None
        self._listener: asyncio.Task | None = None
        self._first_attempt = asyncio.Event()

    # ---- sending --------------------------------------------------------------------------------

    def notify(self) -> None:
        """After a commit that queued or released work: tell the others, soon, once per burst."""
        self._pending = True
        if self._notifier is None or self._notifier.done():
            self._notifier = asyncio.create_task(self._send())

    async def _send(self) -> None:
        while self._pending:
            self._pending = False
            try:
                async with self._pooled() as conn:
                    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, self.token)
            except Exception as exc:  # the others still look within max_sleep_seconds
                log.warning("could not notify the other processes: %r", exc)
                return

    # ---- hearing --------------------------------------------------------------------------------

    async def listen(self, wake: Callable[[], None]) -> None:
        self._wakers.append(wake)
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen_forever())
        await self._first_attempt.wait()

    def _heard(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        if payload != self.token:
            self._wake()

    def _wake(self) -> None:
        for wake in self._wakers:
            wake()

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("not listening for other processes' work (retrying): %r", exc)
            self._first_attempt.set()
            await asyncio.sleep(RECONNECT_SECONDS)
            self._wake()  # while we were deaf, work may have been queued: look

    async def _listen_once(self) -> None:
        conn = await self._connect()
        try:
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _: lost.set())
            await conn.add_listener(CHANNEL, self._heard)
            self._first_attempt.set()
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), HEALTH_CHECK_SECONDS)
                if not lost.is_set():
                    await conn.execute("SELECT 1", timeout=10)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 2)

    async def close(self) -> None:
        """Send what is pending (a release at shutdown must reach the others); stop listening."""
        if self._notifier is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._notifier), 2)
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None
