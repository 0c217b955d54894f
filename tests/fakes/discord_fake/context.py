"""State shared by the REST routes, the interaction routes and the test helpers."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any

from .gateway import Gateway
from .messages import MessageStore, StoredMessage, emoji_from_key
from .model import Cast, Channel, Perm, World
from .traffic import Traffic

DIRECT_MESSAGES = 1 << 12
from .wire import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, DiscordError, missing_permissions, not_found

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


@dataclass
class Interaction:
    """One interaction the fake dispatched, and how the bot has answered it so far."""

    id: int
    token: str
    type: int
    guild_id: int
    channel_id: int
    user_id: int
    payload: dict[str, Any]
    created: float  # loop time at dispatch: the acknowledgement deadline counts from here
    message_id: int | None = None  # the message whose component was used
    response_type: int | None = None
    original_id: int | None = None  # the message behind /messages/@original
    modal: dict[str, Any] | None = None  # what the bot answered with a type-9 callback
    followup_ids: list[int] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None


@dataclass
class Context:
    world: World
    cast: Cast
    token: str
    traffic: Traffic
    gateway: Gateway
    messages: MessageStore
    ack_deadline: float = 3.0
    max_active_threads: int = 1000  # per guild, as on Discord (then 400 / 160006)
    channel_object: bool = True  # Discord documents an interaction's `channel` as optional
    token_lifetime: float = 15 * 60.0
    interactions: dict[int, Interaction] = field(default_factory=dict)
    commands: dict[int | None, dict[str, dict[str, Any]]] = field(default_factory=dict)  # guild -> name

    def new_interaction(self, type_: int, channel: Channel, user_id: int, payload: dict[str, Any],
                        message_id: int | None = None) -> Interaction:
        interaction = Interaction(self.world.ids.next(), f"aW50ZXJhY3Rpb246{secrets.token_urlsafe(48)}",
                                  type_, channel.guild_id, channel.id, user_id, payload,
                                  asyncio.get_running_loop().time(), message_id)
        self.interactions[interaction.id] = interaction
        return interaction

    def interaction_by_token(self, app_id: int, token: str) -> Interaction | None:
        if app_id != self.world.app_id:
            return None
        return next((i for i in self.interactions.values() if i.token == token), None)

    async def announce(self, event: str, data: dict[str, Any]) -> int | None:
        """Dispatch a consequence of a REST call (MESSAGE_CREATE, THREAD_CREATE...) if a bot is connected;
        REST works without a gateway session too."""
        if self.gateway.session is None:
            return None
        return await self.gateway.dispatch(event, data)

    def channel(self, channel_id: int) -> Channel:
        channel = self.world.channel(channel_id)
        if channel is None:
            raise not_found(UNKNOWN_CHANNEL, "Channel")
        return channel

    def message(self, channel: Channel, message_id: int) -> StoredMessage:
        message = self.messages.get(channel.id, message_id)
        if message is None:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return message

    def require(self, channel: Channel, permission: int) -> None:
        if channel.is_dm:  # threads, reactions by permission, channel edits: none of it in a DM
            raise DiscordError(400, 50003, "Cannot execute action on a DM channel")
        if not self.world.bot_permissions(channel) & permission:
            raise missing_permissions()

    def message_event(self, message: StoredMessage) -> dict[str, Any]:
        """A MESSAGE_CREATE/UPDATE body: the REST message plus the author's member object."""
        data = self.messages.payload(message)
        guild = self.world.guilds.get(message.guild_id)
        member = guild.members.get(message.author.id) if guild else None
        if member is not None:
            data["member"] = {k: v for k, v in member.payload().items() if k != "user"}
        return data

    async def announce_message(self, message: StoredMessage, event: str = "MESSAGE_CREATE") -> None:
        session = self.gateway.session
        if message.guild_id == 0 and not (session and session.intents & DIRECT_MESSAGES):
            return  # a DM's events need the DIRECT_MESSAGES intent
        if not message.ephemeral:  # ephemeral messages are never dispatched on the gateway
            await self.announce(event, self.message_event(message))

    def prepare_post(self, channel: Channel) -> None:
        """Discord's rules for posting: permissions, and threads that are archived or locked; in a DM,
        whether the user takes the bot's direct messages."""
        if channel.is_dm:
            assert channel.recipient is not None
            if channel.recipient.id in self.world.refuses_dms:
                raise DiscordError(403, 50007, "Cannot send messages to this user")
            return
        self.require(channel, Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES)
        if not channel.is_thread:
            return
        if channel.archived and channel.locked:
            raise DiscordError(400, 50083, "Operation cannot be performed on an archived thread.")
        if channel.locked:
            self.require(channel, Perm.MANAGE_THREADS)
        channel.archived = False  # posting in an archived, unlocked thread unarchives it

    def reaction_event(self, message: StoredMessage, key: str, user_id: int, add: bool) -> dict[str, Any]:
        """MESSAGE_REACTION_ADD / _REMOVE body; only ADD carries the member and the message author."""
        data: dict[str, Any] = {"user_id": str(user_id), "channel_id": str(message.channel_id),
                                "message_id": str(message.id), "guild_id": str(message.guild_id),
                                "emoji": emoji_from_key(key), "burst": False, "type": 0}
        member = self.world.guilds[message.guild_id].members.get(user_id)
        if add:
            data.update(message_author_id=str(message.author.id), burst_colors=[])
            if member is not None:
                data["member"] = member.payload()
        return data
