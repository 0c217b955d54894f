"""The Slack adapter (slack-bolt). `build` returns what `python -m bot run` starts.

Prerequisites: a Slack app created from `python -m bot slack manifest`; the bot token (xoxb-) in the
variable named by `[slack] bot_token_env`; in Socket Mode an app-level token (xapp-, scope
connections:write) in `app_token_env`; in HTTP mode the signing secret in `signing_secret_env`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from bot.platform import ConfigError, Settings, secret, token_problem


_KINDS = {"bot_token_env": "slack_bot", "app_token_env": "slack_app", "signing_secret_env": "slack_signing_secret"}


def _secret(name_setting: str, name: str) -> str:
    value = (secret(name) or "").strip()
    if not value:
        raise ConfigError(f"slack.{name_setting}: the environment variable {name} is not set")
    if problem := token_problem(_KINDS[name_setting], value):  # said now, not as a traceback later
        raise ConfigError(f"slack.{name_setting}: {name} {problem}")
    return value


class SlackPlatform:
    name = "slack"

    def __init__(self, settings: Settings, core: Any, base_url: str | None = None, ping_interval: float = 10.0,
                 http_port: int | None = None):
        from slack_bolt.async_app import AsyncApp
        from slack_sdk.http_retry.builtin_async_handlers import (
            AsyncConnectionErrorRetryHandler,
            AsyncRateLimitErrorRetryHandler,
        )
        from slack_sdk.web.async_client import AsyncWebClient

        from adapters.slack.chat import SlackChat
        from adapters.slack.listeners import Listeners

        conf = settings.slack
        self.settings = settings
        token = _secret("bot_token_env", conf.bot_token_env)
        self.app_token = _secret("app_token_env", conf.app_token_env) if conf.mode == "socket" else None
        secret = _secret("signing_secret_env", conf.signing_secret_env) if conf.mode == "http" else "socket-mode"
        base_url = base_url or settings.slack.api_url
        options = {"base_url": base_url} if base_url else {}
        # Listeners may wait out a rate limit (their acks are already sent); deliveries must not: a
        # 429 goes back to the outbox, whose backoff holds only that stream (adapters/slack/chat.py).
        self.client = AsyncWebClient(token=token, retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=5), AsyncConnectionErrorRetryHandler(max_retry_count=3),
        ], **options)
        # Nor are deliveries retried on a dropped connection: the post may have been made, and only the
        # outbox's retry looks for it before posting again (adapters/slack/chat.py).
        deliveries = AsyncWebClient(token=token, retry_handlers=[], **options)
        self.app = AsyncApp(signing_secret=secret, client=self.client)  # the client carries the token
        Listeners(core, settings, self.client).register(self.app)
        self.chat = SlackChat(deliveries, core.clock)
        self.ping_interval = ping_interval  # also slack_sdk's pause before retrying a failed connect
        self.http_port = conf.http_port if http_port is None else http_port  # 0: any free port (tests)
        self.address: tuple[str, int] | None = None  # HTTP mode: where the server listens once started
        self._handler: Any = None
        self._watchdog: Any = None
        self._runner: Any = None

    async def start(self) -> None:
        """Connect (Socket Mode) or start listening (HTTP mode); returns once requests can arrive."""
        from adapters.slack.connection import Watchdog, check_tokens

        conf = self.settings.slack
        await check_tokens(self.client, conf.bot_token_env, self.app_token, conf.app_token_env)
        if conf.mode == "socket":
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            self._handler = AsyncSocketModeHandler(self.app, self.app_token, web_client=self.client,
                                                   ping_interval=self.ping_interval)
            await self._handler.connect_async()
            self._watchdog = Watchdog(self._handler.client, self.ping_interval).start()
        else:
            from aiohttp import web

            self._runner = web.AppRunner(self.app.web_app(path="/slack/events"), handle_signals=False)
            await self._runner.setup()
            await web.TCPSite(self._runner, self.settings.slack.http_host, self.http_port).start()
            self.address = self._runner.addresses[0][:2]

    async def run(self) -> None:
        await self.start()
        await asyncio.Event().wait()  # serve until cancelled

    @property
    def connected(self) -> bool:
        """For /readyz: Socket Mode's socket is open, or the HTTP server is listening."""
        if self.settings.slack.mode == "http":
            return self.address is not None
        if self._handler is None:
            return False
        socket = self._handler.client  # is_connected() is a coroutine; these are what it reads first
        session = socket.current_session
        return not socket.closed and not socket.stale and session is not None and not session.closed

    def neutralise(self, text: str) -> str:
        from adapters.slack.blocks import neutralise

        return neutralise(text)

    async def deliver(self, item: Any) -> Any:
        return await self.chat.deliver(item)

    async def stop(self) -> None:
        await self.close()

    async def close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if self._handler is not None:
            handler, self._handler = self._handler, None
            await handler.close_async()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


def build(settings: Settings, core: Any, **options: Any) -> SlackPlatform:
    return SlackPlatform(settings, core, **options)


def _manifest(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.slack.manifest import manifest

    print(json.dumps(manifest(settings, args.request_url), indent=2))
    return 0


class Spec:
    name = "slack"

    def enabled(self, settings: Settings) -> bool:
        return settings.slack.enabled

    def build(self, settings: Settings, core: Any) -> SlackPlatform:
        return build(settings, core)

    def add_commands(self, subparsers: Any) -> None:
        actions = subparsers.add_parser("slack", help="Slack helpers").add_subparsers(dest="action", required=True)
        manifest = actions.add_parser("manifest", help="print the Slack app manifest (JSON) built from the commands")
        manifest.add_argument("--request-url", help="HTTP mode: the public URL of /slack/events")
        manifest.set_defaults(func=_manifest)


SPEC = Spec()
