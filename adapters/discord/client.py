"""The Discord client: connects, syncs the catalog's commands, and hands events to the adapter.

Prerequisites: a Discord application with a bot user; its token in the variable named by
`[discord] token_env`; scopes `bot` and `applications.commands`; only non-privileged gateway intents
(guilds, guild reactions). Permissions: see `invite.py`.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.commands import application_commands
from adapters.discord.interactions import Interactions
from adapters.discord.render import NO_MENTIONS
from bot.platform import Actor, Core, Request, Settings, SpaceRef

log = logging.getLogger("steelman.discord")
ENDORSE_EMOJI = "👍"
VOTE_EMOJI = {ENDORSE_EMOJI: "agree", "👎": "disagree"}  # 👍 agrees, which is the endorsement
SKIN_TONES = dict.fromkeys(range(0x1F3FB, 0x1F400))  # Fitzpatrick modifiers: 👍🏽 is still a 👍


def plain_emoji(emoji: object) -> str:
    return str(emoji).translate(SKIN_TONES)


def intents() -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True  # threads and channels the bot works in
    chosen.guild_reactions = True  # 👍 / 👎 on an argument agrees / disagrees with it
    return chosen


def client_class(settings: Settings) -> type[discord.Client]:
    return discord.AutoShardedClient if settings.discord.shard_count else discord.Client


def make_client(core: Core, settings: Settings, **options) -> discord.Client:
    """A client of the right class (sharded or not) wired to the core."""
    base = client_class(settings)
    if settings.discord.shard_count:
        options.setdefault("shard_count", settings.discord.shard_count)
        if settings.discord.shard_ids is not None:
            options.setdefault("shard_ids", settings.discord.shard_ids)

    class SteelmanClient(base):  # type: ignore[misc, valid-type]
        async def setup_hook(self) -> None:
            await sync_commands(self, settings)

        async def on_interaction(self, interaction: discord.Interaction) -> None:
            try:
                await self.steelman.handle(interaction)
            except discord.HTTPException as exc:
                log.warning("could not answer interaction %s: %s", interaction.id, exc)

        async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
            await on_reaction(self, core, settings, payload, withdraw=False)

        async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
            await on_reaction(self, core, settings, payload, withdraw=True)

    client = SteelmanClient(intents=intents(), allowed_mentions=NO_MENTIONS, **options)
    client.steelman = Interactions(core, settings)
    _keep_raw_channels(client, client.steelman)
    return client


def _keep_raw_channels(client: discord.Client, interactions: Interactions) -> None:
    """Show the adapter each raw INTERACTION_CREATE before discord.py parses it: discord.py drops the
    payload's `channel_id` when the `channel` object is absent (the one place it is kept is here)."""
    parsers = client._connection.parsers
    parse = parsers["INTERACTION_CREATE"]

    def remembering(data: dict) -> None:
        interactions.remember(data)
        parse(data)

    parsers["INTERACTION_CREATE"] = remembering


async def sync_commands(client: discord.Client, settings: Settings) -> None:
    payload = application_commands(settings.limits, sorted(settings.formats))
    app_id = client.application_id
    if settings.discord.dev_guilds:
        for guild in settings.discord.dev_guilds:
            await client.http.bulk_upsert_guild_commands(app_id, guild, payload)
    else:
        await client.http.bulk_upsert_global_commands(app_id, payload)
    log.info("synced %d commands", len(payload))


async def on_reaction(client: discord.Client, core: Core, settings: Settings,
                      payload: discord.RawReactionActionEvent, withdraw: bool) -> None:
    if not settings.discord.reactions_endorse or payload.guild_id is None:
        return
    vote = VOTE_EMOJI.get(plain_emoji(payload.emoji))
    if vote is None:
        return
    if client.user is not None and payload.user_id == client.user.id:
        return
    name = payload.member.display_name if payload.member else str(payload.user_id)
    actor = Actor(str(payload.user_id), name)
    request = Request(SpaceRef("discord", str(payload.guild_id)), actor, str(payload.channel_id),
                      str(payload.channel_id))
    reply = await core.vote_message(request, str(payload.message_id), vote, withdraw)
    if reply is not None and reply.message.kind == "error":
        # the reason may quote what members and moderators wrote (a side's name): only at DEBUG
        log.info("reaction by %s on %s not counted", payload.user_id, payload.message_id)
        log.debug("reaction not counted: %s", reply.message.text)
