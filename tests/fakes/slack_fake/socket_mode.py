"""Socket Mode: the websocket the app opens with the URL from apps.connections.open.

Protocol (as Slack speaks it): on connect the server sends ``{"type": "hello", ...}``; requests arrive as
envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload"[, "retry_attempt",
"retry_reason"]}``; the app acks each with ``{"envelope_id"[, "payload"]}`` within 3 seconds. To rotate a
connection the server sends ``{"type": "disconnect", "reason": "refresh_requested"}``, gives the app a
grace period to open a new one, then closes; envelopes left unacked on a closed connection are delivered
again on the next one.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .model import APP_ID
from .state import State
from .traffic import Delivery, Journal, SocketFrame

MAX_EVENT_RETRIES = 3  # Slack retries an unacknowledged event up to three times


@dataclass
class Connection:
    number: int  # 1 for the first connection the fake accepted, 2 for the next ...
    ws: web.WebSocketResponse
    ticket: str
    opened_at: float = field(default_factory=time.monotonic)
    closed_at: float | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and not self.ws.closed


def envelope(delivery: Delivery) -> dict[str, Any]:
    frame = {"envelope_id": delivery.envelope_id, "type": delivery.kind, "payload": delivery.payload,
             "accepts_response_payload": delivery.accepts_response_payload}
    if delivery.kind == "events_api":
        # Slack always sends these two for events, 0 and "" on the first attempt. Bolt turns them into
        # x-slack-retry-num / -reason headers, so "0" reaches the app on a first delivery (check > 0).
        frame.update(retry_attempt=delivery.retry_attempt or 0, retry_reason=delivery.retry_reason or "")
    return frame


class SocketModeServer:
    def __init__(self, state: State) -> None:
        self.state = state
        self.connections: Journal[Connection] = Journal()  # every connection ever accepted, in order
        self._tickets: set[str] = set()
        self._by_envelope: dict[str, Delivery] = {}
        self._waiting: list[Delivery] = []  # not sent yet, or orphaned by a closed connection
        self._timers: list[asyncio.TimerHandle] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- connecting -------------------------------------------------------------------------------

    def mint_url(self) -> str:
        """apps.connections.open's answer. Tickets stay valid: slack_sdk retries a failed connect with the
        same URL, and a one-shot ticket would turn one hiccup into an endless loop."""
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        host = self.state.base_url.replace("http://", "ws://", 1)
        return f"{host}/link/?ticket={ticket}&app_id={APP_ID}"

    @property
    def active(self) -> Connection | None:
        """Where envelopes go: the newest open connection (Slack spreads them; newest is deterministic)."""
        return next((c for c in reversed(self.connections.items) if c.is_open), None)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse(autoping=True, timeout=1.0)  # timeout: the close handshake
        await ws.prepare(request)
        conn = Connection(len(self.connections.items) + 1, ws, ticket)
        open_count = sum(1 for c in self.connections.items if c.is_open) + 1
        await self._send(conn, {"type": "hello", "num_connections": open_count,
                                "debug_info": {"host": f"applink-fake-{conn.number}", "build_number": 1,
                                               "approximate_connection_time": 18060},
                                "connection_info": {"app_id": APP_ID}})
        self.connections.append(conn)
        await self._flush(conn)
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_text(conn, message.data)
        finally:
            conn.closed_at = time.monotonic()
            conn.closed.set()
            self._orphan(conn)
        return ws

    # -- envelopes and acks -----------------------------------------------------------------------

    async def deliver(self, delivery: Delivery) -> Delivery:
        delivery.envelope_id = delivery.envelope_id or str(uuid.uuid4())
        self._by_envelope[delivery.envelope_id] = delivery
        conn = self.active
        if conn is None:
            self._waiting.append(delivery)  # goes out right after the next hello
        else:
            await self._send_envelope(conn, delivery)
        return delivery

    async def _send_envelope(self, conn: Connection, delivery: Delivery) -> None:
        delivery.sent_at.append(time.monotonic())
        delivery.connections.append(conn.number)
        try:
            await self._send(conn, envelope(delivery))
        except (ConnectionError, RuntimeError):  # the socket closed under us: try the next connection
            if delivery not in self._waiting:
                self._waiting.append(delivery)
            return
        loop = asyncio.get_running_loop()
        attempt = len(delivery.sent_at)
        self._timers.append(loop.call_later(delivery.deadline, self._deadline_passed, delivery, attempt))

    def _on_text(self, conn: Connection, data: str) -> None:
        try:
            frame = json.loads(data)
        except json.JSONDecodeError:
            frame = {"unparsed": data}
        self.state.traffic.frames.append(SocketFrame("received", frame, conn.number))
        delivery = self._by_envelope.get(frame.get("envelope_id", "")) if isinstance(frame, dict) else None
        if delivery is not None:
            delivery.record_ack(payload=frame.get("payload"))

    def _deadline_passed(self, delivery: Delivery, attempt: int) -> None:
        if delivery.acked or len(delivery.sent_at) != attempt:
            return
        delivery.missed = True
        retries = delivery.retry_attempt or 0
        if (self.state.settings.retry_events_on_missed_ack and delivery.kind == "events_api"
                and retries < MAX_EVENT_RETRIES):
            # A retry is a new envelope carrying the same event_id, as Slack sends it
            retry = Delivery(delivery.kind, "socket", delivery.payload, delivery.deadline,
                             retry_attempt=retries + 1, retry_reason="timeout")
            self.state.traffic.deliveries.append(retry)
            self._spawn(self.deliver(retry))

    # -- redelivery -------------------------------------------------------------------------------

    def _orphan(self, conn: Connection) -> None:
        """Unacked envelopes last sent on `conn` wait for the next connection (or go to one already open)."""
        for delivery in self._by_envelope.values():
            if not delivery.acked and delivery.connections[-1:] == [conn.number] and delivery not in self._waiting:
                self._waiting.append(delivery)
        if self.active is not None and self._waiting:
            self._spawn(self._flush(self.active))

    async def _flush(self, conn: Connection) -> None:
        waiting, self._waiting = self._waiting, []
        for delivery in waiting:
            if not delivery.acked:
                await self._send_envelope(conn, delivery)

    # -- disconnecting ----------------------------------------------------------------------------

    async def disconnect(self, reason: str = "refresh_requested", *, send_message: bool = True,
                         grace: float | None = None) -> Connection | None:
        """Rotate the active connection: say so, wait up to `grace` for the app to drop it, then close."""
        conn = self.active
        if conn is None:
            return None
        if send_message:
            await self._send(conn, {"type": "disconnect", "reason": reason,
                                    "debug_info": {"host": f"applink-fake-{conn.number}"}})
            grace = self.state.settings.disconnect_grace if grace is None else grace
            try:
                await asyncio.wait_for(conn.closed.wait(), grace)  # slack_sdk closes it as it reconnects
            except asyncio.TimeoutError:
                pass
        if conn.is_open:
            await conn.ws.close(code=1001, message=reason.encode())
        return conn

    async def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        for task in list(self._tasks):
            task.cancel()
        for conn in self.connections.items:
            if conn.is_open:
                await conn.ws.close(code=1001, message=b"server shutting down")

    # -- plumbing ---------------------------------------------------------------------------------

    async def _send(self, conn: Connection, frame: dict[str, Any]) -> None:
        self.state.traffic.frames.append(SocketFrame("sent", frame, conn.number))
        await conn.ws.send_str(json.dumps(frame))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
