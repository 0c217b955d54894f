"""Everything that crossed the wire, in order, with waiting helpers that never sleep a fixed time."""

from __future__ import annotations

import asyncio
import fnmatch
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypeVar


@dataclass(frozen=True)
class RestCall:
    """One REST request and what the fake answered. `path` is relative to /api/v10, without the query."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: tuple[str, ...]
    authorized: bool
    status: int | None  # None when a fault closed the socket instead of answering
    response: Any
    fault: str | None = None
    at: float = field(default_factory=time.monotonic)

    def matches(self, method: str | None = None, path: str | None = None) -> bool:
        """`path` is a glob: ``/channels/*/messages`` (``*`` does not stop at ``/``)."""
        return (method is None or self.method == method.upper()) and (
            path is None or fnmatch.fnmatchcase(self.path, path))

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class GatewayFrame:
    """A gateway payload. direction: "sent" (fake -> client) or "received" (client -> fake)."""

    direction: str
    op: int
    t: str | None
    s: int | None
    d: Any
    connection: int
    at: float = field(default_factory=time.monotonic)


T = TypeVar("T")


class Journal(Generic[T]):
    """An append-only list whose waiters wake on every append (an Event swapped per change)."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._changed = asyncio.Event()

    def append(self, item: T) -> None:
        self.items.append(item)
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[T], bool], timeout: float, since: int = 0,
                       what: str = "item") -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        checked = since
        while True:
            for item in self.items[checked:]:
                if predicate(item):
                    return item
            checked = len(self.items)
            changed = self._changed
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise asyncio.TimeoutError(f"no matching {what} within {timeout}s")
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass


class Traffic:
    """The fake's recorder: `rest` and `gateway` journals plus filters for assertions."""

    def __init__(self) -> None:
        self.rest: Journal[RestCall] = Journal()
        self.gateway: Journal[GatewayFrame] = Journal()

    def requests(self, method: str | None = None, path: str | None = None) -> list[RestCall]:
        return [c for c in self.rest.items if c.matches(method, path)]

    def frames(self, direction: str | None = None, op: int | None = None,
               t: str | None = None) -> list[GatewayFrame]:
        return [f for f in self.gateway.items
                if (direction is None or f.direction == direction) and (op is None or f.op == op)
                and (t is None or f.t == t)]

    async def wait_for_request(self, predicate: Callable[[RestCall], bool] | None = None, *,
                               method: str | None = None, path: str | None = None,
                               timeout: float = 2.0, since: int = 0) -> RestCall:
        def match(call: RestCall) -> bool:
            return call.matches(method, path) and (predicate is None or predicate(call))
        return await self.rest.wait_for(match, timeout, since, f"request {method or ''} {path or ''}")

    async def wait_for_frame(self, predicate: Callable[[GatewayFrame], bool] | None = None, *,
                             direction: str | None = None, op: int | None = None, t: str | None = None,
                             timeout: float = 2.0, since: int = 0) -> GatewayFrame:
        def match(frame: GatewayFrame) -> bool:
            return ((direction is None or frame.direction == direction) and (op is None or frame.op == op)
                    and (t is None or frame.t == t) and (predicate is None or predicate(frame)))
        return await self.gateway.wait_for(match, timeout, since, f"frame op={op} t={t}")
