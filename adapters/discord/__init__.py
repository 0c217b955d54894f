"""The Discord adapter (discord.py). `build` returns what `python -m bot run` starts."""

from __future__ import annotations

import os
from typing import Any

from bot.config import ConfigError, Settings


class MissingToken(ConfigError):
    pass


class DiscordPlatform:
    platform = "discord"

    def __init__(self, settings: Settings, core: Any, **client_options: Any):
        from adapters.discord.chat import DiscordChat
        from adapters.discord.client import make_client

        self.settings = settings
        self._token = self.token()  # fail at start, naming the setting, rather than at first use
        self.client = make_client(core, settings, **client_options)
        self.chat = DiscordChat(self.client)

    def token(self) -> str:
        name = self.settings.discord.token_env
        token = os.environ.get(name, "").strip()
        if not token:
            raise MissingToken(f"discord.token_env: the environment variable {name} holding the bot token is not set")
        return token

    async def run(self) -> None:
        await self.client.start(self._token)

    async def close(self) -> None:
        await self.client.close()


def build(settings: Settings, core: Any, **client_options: Any) -> DiscordPlatform:
    return DiscordPlatform(settings, core, **client_options)
