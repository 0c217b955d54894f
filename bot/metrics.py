"""What the core reports to an operator's metrics: a tiny interface, a no-op unless `[ops]` is on.

The core calls these few methods at the moments that matter (a command answered, a deadline fired,
a message delivered, a store fault); `bot.ops` implements them with prometheus-client. Keeping the
core on this interface means it never imports a metrics library and costs nothing when metrics are
off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.errors import StoreUnavailable

T = TypeVar("T")


class Metrics:
    """Does nothing: the default."""

    def command(self, name: str, outcome: str, seconds: float) -> None:
        """A command answered: ok, refused (the member can fix it), unavailable or error."""

    def delivery(self, platform: str, outcome: str) -> None:
        """A message's delivery attempt: outcome is ok, retry or failed (given up)."""

    def job(self, kind: str, lag_seconds: float) -> None:
        """Due work fired, `lag_seconds` after it was due."""

    def store_error(self, kind: str) -> None:
        """The store could not be reached or refused to save (kind: the exception's class name)."""


class CountingStore:
    """A Store that reports its faults to `metrics`; everything else goes to the store it wraps."""

    def __init__(self, store: Any, metrics: Metrics):
        self._store, self._metrics = store, metrics

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def transact(self, work: Callable[[Any], Awaitable[T]]) -> T:
        try:
            return await self._store.transact(work)
        except StoreUnavailable as exc:
            self._metrics.store_error(type(exc).__name__)
            raise

    async def read(self, work: Callable[[Any], Awaitable[T]]) -> T:
        try:
            return await self._store.read(work)
        except StoreUnavailable as exc:
            self._metrics.store_error(type(exc).__name__)
            raise
