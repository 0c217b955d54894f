"""The Discord adapter (discord.py). `SPEC` is what `python -m bot` finds (entry point `steelman.platforms`).

Prerequisites: a Discord application with a bot user; its token in the variable named by
`[discord] token_env` (DISCORD_TOKEN); no privileged intent (guilds and guild reactions only); invited with
`python -m bot discord invite-url`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.platform import ConfigError, Settings, secret, token_problem


class MissingToken(ConfigError):
    pass


class DiscordPlatform:
    name = "discord"

    def __init__(self, settings: Settings, core: Any, **client_options: Any):
        from adapters.discord.chat import DiscordChat
        from adapters.discord.client import make_client

        self.settings = settings
        self._token = self.token()  # fail at start, naming the setting, rather than at first use
        self.client = make_client(core, settings, **client_options)
        self.chat = DiscordChat(self.client, self.client.steelman.tell_refused)

    @property
    def connected(self) -> bool:
        """For /readyz: the gateway is up and the guilds are known."""
        return self.client.is_ready() and not self.client.is_closed()

    def token(self) -> str:
        name = self.settings.discord.token_env
        token = (secret(name) or "").strip()
        if not token:
            raise MissingToken(f"discord.token_env: the environment variable {name} holding the bot token is not set")
        if problem := token_problem("discord", token):  # said now, not as a traceback from the gateway
            raise MissingToken(f"discord.token_env: {name} {problem}")
        return token

    def neutralise(self, text: str) -> str:
        from adapters.discord.render import neutralise

        return neutralise(text)

    async def deliver(self, item: Any) -> Any:
        return await self.chat.deliver(item)

    async def run(self) -> None:
        await self.client.start(self._token)

    async def stop(self) -> None:
        await self.client.close()

    close = stop


def build(settings: Settings, core: Any, **client_options: Any) -> DiscordPlatform:
    return DiscordPlatform(settings, core, **client_options)


def _invite_url(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.discord.invite import application_id_from_token, invite_url

    app_id = args.application_id
    if app_id is None:
        token = (secret(settings.discord.token_env) or "").strip()
        if not token:
            print(f"Set {settings.discord.token_env} (discord.token_env) or pass --application-id.", file=sys.stderr)
            return 2
        if problem := token_problem("discord", token):
            print(f"{settings.discord.token_env} {problem}", file=sys.stderr)
            return 2
        app_id = application_id_from_token(token)
    print(invite_url(app_id))
    return 0


class Spec:
    name = "discord"

    def enabled(self, settings: Settings) -> bool:
        return settings.discord.enabled

    def build(self, settings: Settings, core: Any) -> DiscordPlatform:
        return build(settings, core)

    def add_commands(self, subparsers: Any) -> None:
        actions = subparsers.add_parser("discord", help="Discord helpers").add_subparsers(dest="action", required=True)
        invite = actions.add_parser("invite-url", help="print the link that adds the bot to a server")
        invite.add_argument("--application-id", type=int, help="default: read from the bot token's variable")
        invite.set_defaults(func=_invite_url)


SPEC = Spec()
