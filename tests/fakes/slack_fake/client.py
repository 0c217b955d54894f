"""Running a real slack-bolt AsyncApp against the fake, in Socket Mode or in HTTP mode."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from .server import FakeSlack

# slack_sdk reads these when a client is built (Bolt builds one per request) and ignores NO_PROXY
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def clear_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def bolt_app(fake: FakeSlack, **kwargs: Any) -> AsyncApp:
    """An AsyncApp whose client talks to the fake (kwargs go to AsyncApp, e.g. process_before_response)."""
    client = kwargs.pop("client", None) or fake.web_client()
    return AsyncApp(client=client, signing_secret=fake.signing_secret, **kwargs)


@asynccontextmanager
async def socket_mode_app(app: AsyncApp, fake: FakeSlack, *, ping_interval: float = 1.0,
                          timeout: float = 3.0) -> AsyncIterator[AsyncSocketModeHandler]:
    """Connect `app` over Socket Mode and wait until the fake has said hello; close it afterwards.

    ping_interval matters to slack_sdk beyond pings: it is also the pause before retrying a failed
    connect, so a small value keeps recovery inside a test's time budget."""
    handler = AsyncSocketModeHandler(app, app_token=fake.app_token, ping_interval=ping_interval)
    handler.client.proxy = None
    before = len(fake.socket.connections.items)
    await handler.connect_async()
    try:
        await fake.wait_for_connection(before + 1, timeout=timeout)
        yield handler
    finally:
        await handler.close_async()


@asynccontextmanager
async def http_mode_app(app: AsyncApp, fake: FakeSlack, path: str = "/slack/events") -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 (random port) with Bolt's own aiohttp server and point the fake at it."""
    runner = web.AppRunner(app.web_app(path=path), handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        fake.app_url = f"http://127.0.0.1:{runner.addresses[0][1]}{path}"
        yield fake.app_url
    finally:
        await runner.cleanup()
