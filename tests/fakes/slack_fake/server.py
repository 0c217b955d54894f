"""FakeSlack: one aiohttp server on 127.0.0.1 (random port) serving the Web API, the upload and
response_url endpoints and the Socket Mode websocket, plus the helpers tests drive and inspect it with."""

from __future__ import annotations

import asyncio
from dataclasses import fields
from typing import Any, Callable

from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from .actions import MemberActions
from .faults import Fault
from .http_delivery import HttpDelivery
from .methods_chat import MISSING_TEXT_WARNING
from .model import Channel, Ephemeral, Message, User, World
from .payloads import PayloadBuilder
from .socket_mode import Connection, SocketModeServer
from .state import Settings, State
from .traffic import ApiCall, Delivery, ResponseUrlPost, Traffic
from .web_api import WebApi

SOCKET, HTTP = "socket", "http"


class FakeSlack(MemberActions):
    """A loopback Slack for the real slack_sdk / slack-bolt. Use as ``async with FakeSlack() as fake``.

    Settings (keyword arguments, see `Settings`): bot_token, app_token, signing_secret, ack_deadline,
    trigger_ttl, disconnect_grace, http_timeout, retry_events_on_missed_ack. `mode` ("socket" or "http")
    is how member actions reach the app unless a call says otherwise; HTTP mode needs `app_url`."""

    def __init__(self, *, mode: str = SOCKET, app_url: str | None = None, **settings: Any) -> None:
        known = {f.name for f in fields(Settings)}
        unknown = set(settings) - known
        if unknown:
            raise TypeError(f"unknown FakeSlack settings: {sorted(unknown)}")
        if mode not in (SOCKET, HTTP):
            raise ValueError("mode must be 'socket' or 'http'")
        self.mode = mode
        self.state = State(Settings(**settings))
        self.socket = SocketModeServer(self.state)
        self.state.socket_url = self.socket.mint_url
        self.http = HttpDelivery(self.state.settings.signing_secret, self.state.settings.http_timeout)
        self.http.app_url = app_url
        self.payloads = PayloadBuilder(self.state)
        self._background: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        WebApi(self.state).register(app.router)
        app.router.add_get("/link/", self.socket.handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # port 0 above: the OS picked a free one
        self.state.base_url = f"http://127.0.0.1:{self.port}"
        await self.http.start()
        return self

    async def stop(self) -> None:
        for task in list(self._background):
            task.cancel()
        await self.socket.close()
        await self.http.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- addresses and clients ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.state.base_url

    @property
    def api_url(self) -> str:
        """What AsyncWebClient takes as `base_url`."""
        return f"{self.state.base_url}/api/"

    @property
    def app_url(self) -> str | None:
        return self.http.app_url

    @app_url.setter
    def app_url(self, value: str | None) -> None:
        self.http.app_url = value

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def bot_token(self) -> str:
        return self.state.settings.bot_token

    @property
    def app_token(self) -> str:
        return self.state.settings.app_token

    @property
    def signing_secret(self) -> str:
        return self.state.settings.signing_secret

    def web_client(self, token: str | None = None, **kwargs: Any) -> AsyncWebClient:
        """An AsyncWebClient aimed at the fake. Its proxy is cleared: slack_sdk copies HTTPS_PROXY from the
        environment and ignores NO_PROXY, which would send loopback calls to the proxy."""
        client = AsyncWebClient(token=token or self.bot_token, base_url=self.api_url, **kwargs)
        client.proxy = None
        return client

    # -- the world ---------------------------------------------------------------------------------

    @property
    def world(self) -> World:
        return self.state.world

    @property
    def traffic(self) -> Traffic:
        return self.state.traffic

    def add_user(self, user_id: str, name: str, **flags: Any) -> User:
        """flags: is_admin, is_owner, is_primary_owner, is_bot, deleted, real_name."""
        return self.world.add_user(User(user_id, name, **flags))

    def add_channel(self, channel_id: str, name: str, **flags: Any) -> Channel:
        """flags: is_private, is_im, is_archived, is_member (is the bot in it), members."""
        return self.world.add_channel(Channel(channel_id, name, **flags))

    def messages(self, channel: str, *, thread_ts: str | None = None) -> list[Message]:
        """A channel's messages oldest first: top level only, or one thread (parent first)."""
        stored = self.world.channels[channel]
        return stored.thread(thread_ts) if thread_ts else stored.top_level()

    def ephemerals(self, user: str | None = None) -> list[Ephemeral]:
        return [e for e in self.world.ephemerals if user is None or e.user == user]

    # -- recorded traffic --------------------------------------------------------------------------

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[ApiCall]:
        return self.traffic.api_calls(method, ok=ok)

    def mark(self) -> int:
        """The number of calls so far: pass it as `since` to wait only for later calls."""
        return len(self.traffic.calls.items)

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Everything sent to the app, in order; kind: "slash_commands", "interactive", "events_api"."""
        return [d for d in self.traffic.deliveries.items if kind is None or d.kind == kind]

    @property
    def late_acks(self) -> list[Delivery]:
        return [d for d in self.traffic.deliveries.items if d.late]

    @property
    def missed_acks(self) -> list[Delivery]:
        return [d for d in self.traffic.deliveries.items if d.missed and not d.acked]

    @property
    def calls_without_text_fallback(self) -> list[ApiCall]:
        """Accepted messages with blocks but no top-level `text` (Slack logs a warning for each)."""
        return [c for c in self.traffic.calls.items if MISSING_TEXT_WARNING in c.warnings]

    async def wait_for_call(self, method: str | None = None, predicate: Callable[[ApiCall], bool] | None = None,
                            timeout: float = 2.0, since: int = 0) -> ApiCall:
        return await self.traffic.wait_for_call(method, predicate, timeout, since)

    async def wait_for_response(self, predicate: Callable[[ResponseUrlPost], bool] | None = None,
                                timeout: float = 2.0, since: int = 0) -> ResponseUrlPost:
        """The next post the app made to a response_url."""
        return await self.traffic.wait_for_response(predicate, timeout, since)

    # -- Socket Mode -------------------------------------------------------------------------------

    async def wait_for_connection(self, count: int = 1, timeout: float = 3.0) -> Connection:
        """Until the `count`-th Socket Mode connection (counting every one ever opened) has said hello."""
        return await self.socket.connections.wait_for(lambda c: c.number >= count, timeout,
                                                      what=f"socket connection #{count}")

    async def socket_disconnect(self, reason: str = "refresh_requested", *, send_message: bool = True,
                                grace: float | None = None) -> Connection | None:
        """Rotate the app's connection like Slack: a disconnect message, then close after `grace`.
        send_message=False drops the socket abruptly instead."""
        return await self.socket.disconnect(reason, send_message=send_message, grace=grace)

    # -- faults ------------------------------------------------------------------------------------

    def fail_next(self, method: str, times: int = 1, *, status: int = 429, retry_after: float = 1,
                  error: str | None = None, channel: str | None = None) -> Fault:
        """The next `times` calls to `method` ("*" for any) get HTTP `status`: 429 with Retry-After, a
        5xx, or (status=200 with `error`) an ``{"ok": false, "error": error}`` answer."""
        return self.state.faults.add(Fault(method, times, status=status, retry_after=retry_after, error=error,
                                           channel=channel))

    def lose_answer(self, method: str, times: int = 1, *, channel: str | None = None) -> Fault:
        """The next `times` calls to `method` are carried out (a message is posted), then the connection
        drops before the answer: what a crash or a timeout after sending looks like to the app."""
        return self.state.faults.add(Fault(method, times, channel=channel, lose_answer=True))
