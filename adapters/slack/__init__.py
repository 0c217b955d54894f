"""The Slack adapter (slack-bolt). `build` returns what `python -m bot run` starts.

Prerequisites: a Slack app created from `python -m bot slack manifest`; the bot token (xoxb-) in the
variable named by `[slack] bot_token_env`; in Socket Mode an app-level token (xapp-, scope
connections:write) in `app_token_env`; in HTTP mode the signing secret in `signing_secret_env`.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from bot.config import ConfigError, Settings


def _secret(name_setting: str, name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"slack.{name_setting}: the environment variable {name} is not set")
    return value


class SlackPlatform:
    platform = "slack"

    def __init__(self, settings: Settings, core: Any, base_url: str | None = None):
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
        options = {"base_url": base_url} if base_url else {}
        self.client = AsyncWebClient(token=token, retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=5), AsyncConnectionErrorRetryHandler(max_retry_count=3),
        ], **options)
        self.app = AsyncApp(token=token, signing_secret=secret, client=self.client)
        Listeners(core, settings, self.client).register(self.app)
        self.chat = SlackChat(self.client)
        self._handler: Any = None
        self._runner: Any = None

    async def run(self) -> None:
        if self.settings.slack.mode == "socket":
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            self._handler = AsyncSocketModeHandler(self.app, self.app_token, web_client=self.client)
            await self._handler.connect_async()
        else:
            from aiohttp import web

            self._runner = web.AppRunner(self.app.web_app(path="/slack/events"))
            await self._runner.setup()
            await web.TCPSite(self._runner, self.settings.slack.http_host, self.settings.slack.http_port).start()
        await asyncio.Event().wait()  # serve until cancelled

    async def close(self) -> None:
        if self._handler is not None:
            await self._handler.close_async()
        if self._runner is not None:
            await self._runner.cleanup()


def build(settings: Settings, core: Any, **options: Any) -> SlackPlatform:
    return SlackPlatform(settings, core, **options)
