"""The fake's world: users, guilds, roles, members, channels and threads, and their wire payloads.

Payloads carry exactly the keys discord.py 2.7 reads with ``data[...]`` (it raises KeyError otherwise), so
every builder here is the single place that knows one object's shape. Permissions are plain ints (the
Discord bit values) so the fake never depends on the client library it is testing.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import IntFlag
from typing import Any

DISCORD_EPOCH_MS = 1420070400000


class Perm(IntFlag):
    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38


ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_DEFAULT = (
    Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.READ_MESSAGE_HISTORY | Perm.ADD_REACTIONS
    | Perm.USE_APPLICATION_COMMANDS | Perm.SEND_MESSAGES_IN_THREADS | Perm.CREATE_PUBLIC_THREADS
    | Perm.EMBED_LINKS | Perm.ATTACH_FILES | Perm.USE_EXTERNAL_EMOJIS
)
MODERATOR_PERMS = Perm.MANAGE_GUILD | Perm.MANAGE_MESSAGES | Perm.MANAGE_THREADS | Perm.MENTION_EVERYONE
# The bot's managed role deliberately includes MENTION_EVERYONE: a bot that forgets allowed_mentions then
# really pings @everyone in the fake (see messages.effective_mentions), so tests can catch it.
BOT_PERMS = EVERYONE_DEFAULT | Perm.MANAGE_THREADS | Perm.MANAGE_MESSAGES | Perm.MENTION_EVERYONE

TEXT, PUBLIC_THREAD, PRIVATE_THREAD = 0, 11, 12
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)
DM = 1  # a direct message channel between the bot and one user: no guild, no permissions
VOICE_TYPES = (2, 13)


class Snowflakes:
    """Time-based ids, like Discord's: discord.py derives created_at from them (and delete sub-limits)."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)


def iso_now() -> str:
    return datetime.now(timezone.utc).isoformat()


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        data = {"id": str(self.id), "username": self.username, "global_name": self.global_name,
                "discriminator": "0", "avatar": None, "public_flags": 0}
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Role:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    mentionable: bool = False

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name, "permissions": str(int(self.permissions)),
                "position": self.position, "color": 0, "hoist": False, "managed": self.managed,
                "mentionable": self.mentionable, "icon": None, "unicode_emoji": None, "flags": 0}


@dataclass
class Member:
    user: User
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self, *, permissions: int | None = None) -> dict[str, Any]:
        # `flags` is required by discord.py 2.7's Member(); `permissions` only appears in interactions.
        data = {"user": self.user.payload(), "roles": [str(r) for r in self.role_ids], "nick": self.nick,
                "avatar": None, "joined_at": self.joined_at, "premium_since": None, "deaf": False,
                "mute": False, "pending": False, "flags": 0, "communication_disabled_until": None}
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Channel:
    id: int
    guild_id: int
    name: str
    type: int = TEXT
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    # thread-only state
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    invitable: bool = True
    rate_limit_per_user: int = 0  # slowmode, seconds
    message_count: int = 0
    created_at: str = field(default_factory=iso_now)
    last_message_id: int | None = None
    recipient: "User | None" = None  # a DM channel's other end

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    def payload(self) -> dict[str, Any]:
        if self.is_dm:
            assert self.recipient is not None
            return {"id": str(self.id), "type": DM, "flags": 0, "recipients": [self.recipient.payload()],
                    "last_message_id": str(self.last_message_id) if self.last_message_id else None}
        data: dict[str, Any] = {
            "id": str(self.id), "guild_id": str(self.guild_id), "name": self.name, "type": self.type,
            "position": self.position, "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": False, "rate_limit_per_user": self.rate_limit_per_user, "flags": 0,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
        }
        if not self.is_thread:
            data.update(topic=self.topic, permission_overwrites=self.overwrites)
            if self.type in VOICE_TYPES:  # voice and stage channels, whose chat takes no threads
                data.update(bitrate=64000, user_limit=0, rtc_region=None)
            return data
        data.update(owner_id=str(self.owner_id), message_count=self.message_count,
                    member_count=1, total_message_sent=self.message_count, thread_metadata={
                        "archived": self.archived, "locked": self.locked, "invitable": self.invitable,
                        "auto_archive_duration": self.auto_archive_duration,
                        "archive_timestamp": self.created_at, "create_timestamp": self.created_at})
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)

    def base_permissions(self, member: Member) -> int:
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        perms = self.roles[self.id].permissions
        for role_id in member.role_ids:
            perms |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if perms & Perm.ADMINISTRATOR else int(perms)

    def channel_permissions(self, member: Member, channel: Channel) -> int:
        """Discord's algorithm: base, then @everyone, role and member overwrites of the (parent) channel."""
        perms = self.base_permissions(member)
        if perms & Perm.ADMINISTRATOR:
            return ALL_PERMISSIONS
        source = self.channels.get(channel.parent_id) if channel.is_thread else channel
        overwrites = {int(o["id"]): o for o in (source.overwrites if source else [])}
        layers = [overwrites.get(self.id)]
        role_layer = [overwrites[r] for r in member.role_ids if r in overwrites]
        layers.append({"allow": sum(int(o["allow"]) for o in role_layer),
                       "deny": sum(int(o["deny"]) for o in role_layer)} if role_layer else None)
        layers.append(overwrites.get(member.id))
        for layer in filter(None, layers):
            perms = (perms & ~int(layer["deny"])) | int(layer["allow"])
        return perms

    def payload(self) -> dict[str, Any]:
        """The REST guild object (GET /guilds/{id})."""
        return {"id": str(self.id), "name": self.name, "owner_id": str(self.owner_id), "icon": None,
                "features": [], "roles": [r.payload() for r in self.roles.values()], "emojis": [],
                "stickers": [], "preferred_locale": "en-US", "verification_level": 0, "mfa_level": 0,
                "default_message_notifications": 0, "explicit_content_filter": 0, "nsfw_level": 0,
                "premium_tier": 0, "system_channel_id": None, "afk_channel_id": None, "afk_timeout": 300}

    def create_payload(self) -> dict[str, Any]:
        """GUILD_CREATE: member_count equals the member list so discord.py considers it chunked."""
        data = self.payload()
        plain = [c for c in self.channels.values() if not c.is_thread]
        threads = [c for c in self.channels.values() if c.is_thread and not c.archived]
        data.update(unavailable=False, large=False, member_count=len(self.members), joined_at=iso_now(),
                    channels=[c.payload() for c in plain], threads=[t.payload() for t in threads],
                    members=[m.payload() for m in self.members.values()], presences=[], voice_states=[],
                    stage_instances=[], guild_scheduled_events=[], soundboard_sounds=[])
        return data


@dataclass
class World:
    """Everything the fake knows. `build_world` gives the default community used by the tests."""

    ids: Snowflakes
    bot: User
    app_id: int
    guilds: dict[int, Guild] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    dms: dict[int, Channel] = field(default_factory=dict)  # user id -> the bot's DM channel with them
    # Users whose privacy settings refuse the bot's direct messages (Discord answers 50007)
    refuses_dms: set[int] = field(default_factory=set)

    def channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return next((c for c in self.dms.values() if c.id == channel_id), None)

    def dm_with(self, user: User) -> Channel:
        """The one DM channel with `user`, opened the first time (Discord returns the same one after)."""
        if user.id not in self.dms:
            self.dms[user.id] = Channel(self.ids.next(), 0, "", type=DM, recipient=user)
        return self.dms[user.id]

    def guild_of(self, channel: Channel) -> Guild:
        return self.guilds[channel.guild_id]

    def bot_permissions(self, channel: Channel) -> int:
        guild = self.guild_of(channel)
        return guild.channel_permissions(guild.members[self.bot.id], channel)

    def add_user(self, username: str, *, bot: bool = False) -> User:
        user = User(self.ids.next(), username, username.title(), bot)
        self.users[user.id] = user
        return user

    def add_role(self, guild: Guild, name: str, permissions: int, **kw: Any) -> Role:
        role = Role(self.ids.next(), name, int(permissions), position=len(guild.roles), **kw)
        guild.roles[role.id] = role
        return role

    def add_member(self, guild: Guild, username: str, roles: tuple[Role, ...] = ()) -> Member:
        member = Member(self.add_user(username), [r.id for r in roles])
        guild.members[member.id] = member
        return member

    def add_channel(self, guild: Guild, name: str, **kw: Any) -> Channel:
        channel = Channel(self.ids.next(), guild.id, name, position=len(guild.channels), **kw)
        guild.channels[channel.id] = channel
        return channel


@dataclass
class Cast:
    """The default community: one guild, two channels, an owner, a moderator, two members and the bot."""

    guild: Guild
    channel: Channel
    general: Channel
    owner: Member
    moderator: Member
    member: Member
    other_member: Member
    moderator_role: Role


def build_world(bot_name: str = "Steelman") -> tuple[World, Cast]:
    ids = Snowflakes()
    bot = User(ids.next(), bot_name, bot_name, bot=True)
    world = World(ids, bot, app_id=bot.id, users={bot.id: bot})  # Discord: bot user id == app id
    owner = world.add_user("owner_olu")
    guild = Guild(ids.next(), "AI Policy Debates", owner.id)
    world.guilds[guild.id] = guild
    guild.roles[guild.id] = Role(guild.id, "@everyone", int(EVERYONE_DEFAULT))
    mod_role = world.add_role(guild, "Moderator", int(MODERATOR_PERMS), mentionable=True)
    bot_role = world.add_role(guild, bot_name, int(BOT_PERMS), managed=True)
    guild.members[owner.id] = Member(owner)
    guild.members[bot.id] = Member(bot, [bot_role.id])
    cast = Cast(guild=guild, channel=world.add_channel(guild, "debates"),
                general=world.add_channel(guild, "general"), owner=guild.members[owner.id],
                moderator=world.add_member(guild, "mod_maya", (mod_role,)),
                member=world.add_member(guild, "alice"), other_member=world.add_member(guild, "bob"),
                moderator_role=mod_role)
    return world, cast
