"""Everything that crossed the wire, in order, with waiting helpers that never sleep a fixed time."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypeVar


@dataclass(frozen=True)
class ApiCall:
    """One Web API request (``/api/<method>``) and what the fake answered.

    `params` merges the query string with the form or JSON body (form values are strings, JSON values keep
    their types), exactly as the app sent them, minus the token. `fault` names an injected failure."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    token: str | None
    body_kind: str  # "json" | "form" | "query" | "multipart"
    status: int
    response: dict[str, Any]
    fault: str | None = None
    warnings: tuple[str, ...] = ()
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return self.response.get("error")


@dataclass(frozen=True)
class SocketFrame:
    """A Socket Mode websocket text frame. direction: "sent" (fake -> app) or "received" (app -> fake)."""

    direction: str
    data: Any
    connection: int
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class ResponseUrlPost:
    """What the app POSTed to a response_url the fake handed out, and the fake's answer."""

    url_id: str
    body: dict[str, Any]
    status: int
    answer: str
    at: float = field(default_factory=time.monotonic)


@dataclass
class Delivery:
    """One request the fake sent to the app (a slash command, an interaction, an event) and its ack.

    Socket Mode: the ack is the app's ``{"envelope_id": ...}`` frame (`ack_payload` is its "payload").
    HTTP: the ack is the HTTP response (`status`, `body`). `late` is an ack after the deadline; `missed`
    is set when the deadline passed with no ack at all (Slack then shows the member an error)."""

    kind: str  # "slash_commands" | "interactive" | "events_api"
    mode: str  # "socket" | "http"
    payload: dict[str, Any]
    deadline: float
    envelope_id: str | None = None
    accepts_response_payload: bool = False
    retry_attempt: int | None = None
    retry_reason: str | None = None
    sent_at: list[float] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)  # Socket Mode: the connection of each send
    acked_at: float | None = None
    ack_payload: dict[str, Any] | None = None
    status: int | None = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    missed: bool = False
    error: str | None = None  # HTTP mode: the POST itself failed (refused, timed out)
    extra_acks: int = 0  # acks after the first one (a redelivered envelope acked twice)
    _acked: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def acked(self) -> bool:
        return self.acked_at is not None

    @property
    def ack_latency(self) -> float | None:
        return None if self.acked_at is None or not self.sent_at else self.acked_at - self.sent_at[-1]

    @property
    def late(self) -> bool:
        latency = self.ack_latency
        return latency is not None and latency > self.deadline

    @property
    def acked_in_time(self) -> bool:
        return self.acked and not self.late

    @property
    def redeliveries(self) -> int:
        return max(0, len(self.sent_at) - 1)

    @property
    def json(self) -> Any:
        """The HTTP response body parsed as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None

    def record_ack(self, *, payload: dict[str, Any] | None = None, status: int | None = None,
                   body: str | None = None, headers: dict[str, str] | None = None) -> None:
        if self.acked_at is not None:
            self.extra_acks += 1
            return
        self.acked_at = time.monotonic()
        self.ack_payload, self.status, self.body = payload, status, body
        self.headers = dict(headers or {})
        self._acked.set()

    async def wait_ack(self, timeout: float | None = None) -> bool:
        """Wait for the ack (default: the deadline plus a margin). False if none came in time."""
        try:
            await asyncio.wait_for(self._acked.wait(), self.deadline + 1.0 if timeout is None else timeout)
        except asyncio.TimeoutError:
            return False
        return True


T = TypeVar("T")


class Journal(Generic[T]):
    """An append-only list whose waiters wake on every append (an Event swapped per change)."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._changed = asyncio.Event()

    def append(self, item: T) -> T:
        self.items.append(item)
        self._changed.set()
        self._changed = asyncio.Event()
        return item

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
    """The fake's recorder: API calls, Socket Mode frames, deliveries to the app, response_url posts."""

    def __init__(self) -> None:
        self.calls: Journal[ApiCall] = Journal()
        self.frames: Journal[SocketFrame] = Journal()
        self.deliveries: Journal[Delivery] = Journal()
        self.responses: Journal[ResponseUrlPost] = Journal()

    def api_calls(self, method: str | None = None, *, ok: bool | None = None) -> list[ApiCall]:
        return [c for c in self.calls.items
                if (method is None or c.method == method) and (ok is None or c.ok == ok)]

    async def wait_for_call(self, method: str | None = None, predicate: Callable[[ApiCall], bool] | None = None,
                            timeout: float = 2.0, since: int = 0) -> ApiCall:
        def match(call: ApiCall) -> bool:
            return (method is None or call.method == method) and (predicate is None or predicate(call))
        return await self.calls.wait_for(match, timeout, since, f"call {method or '*'}")

    async def wait_for_frame(self, predicate: Callable[[SocketFrame], bool], timeout: float = 2.0,
                             since: int = 0) -> SocketFrame:
        return await self.frames.wait_for(predicate, timeout, since, "socket frame")

    async def wait_for_response(self, predicate: Callable[[ResponseUrlPost], bool] | None = None,
                                timeout: float = 2.0, since: int = 0) -> ResponseUrlPost:
        return await self.responses.wait_for(predicate or (lambda _: True), timeout, since, "response_url post")
