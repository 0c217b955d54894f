"""The message store: every message posted by the bot, by interaction responses or by fake users."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from .model import Channel, Perm, User, World, iso_now
from .wire import DiscordError, UploadedFile

EPHEMERAL, LOADING = 1 << 6, 1 << 7
NONCE_MAX = 25  # characters of a string nonce
NONCE_WINDOW = 5 * 60.0  # seconds: Discord checks a nonce's uniqueness "in the past few minutes"
USER_MENTION, ROLE_MENTION = re.compile(r"<@!?(\d+)>"), re.compile(r"<@&(\d+)>")


@dataclass
class StoredMessage:
    id: int
    channel_id: int
    guild_id: int
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    attachments: list[dict[str, Any]] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # webhook_id, interaction_metadata, reference...
    reactions: dict[str, list[int]] = field(default_factory=dict)  # emoji key -> user ids, in order
    created_at: str = field(default_factory=iso_now)
    edited_at: str | None = None
    thread_id: int | None = None
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        stack = list(self.components)
        while stack:
            item = stack.pop()
            if item.get("custom_id") == custom_id:
                return item
            stack.extend(item.get("components") or [])
            if item.get("accessory"):
                stack.append(item["accessory"])
        return None


def emoji_key(emoji: dict[str, Any]) -> str:
    return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else emoji["name"]


def emoji_from_key(key: str) -> dict[str, Any]:
    name, _, emoji_id = key.partition(":")
    return {"id": emoji_id or None, "name": name}


def effective_mentions(world: World, message: StoredMessage) -> tuple[bool, list[int], list[int]]:
    """Who really gets pinged: (everyone, user ids, role ids), honouring allowed_mentions and the author's
    MENTION_EVERYONE permission like Discord does. No allowed_mentions means "parse everything"."""
    allowed = message.allowed_mentions or {"parse": ["everyone", "users", "roles"]}
    parse = set(allowed.get("parse") or [])
    channel = world.channel(message.channel_id)
    guild = world.guilds.get(message.guild_id)
    author = guild.members.get(message.author.id) if guild else None
    can_ping_all = bool(guild and author and channel
                        and guild.channel_permissions(author, channel) & Perm.MENTION_EVERYONE)
    content = message.content or ""
    everyone = "everyone" in parse and can_ping_all and ("@everyone" in content or "@here" in content)
    users = [int(u) for u in USER_MENTION.findall(content)
             if "users" in parse or u in {str(x) for x in allowed.get("users") or []}]
    roles = []
    for role_id in map(int, ROLE_MENTION.findall(content)):
        role = guild.roles.get(role_id) if guild else None
        listed = "roles" in parse or str(role_id) in {str(x) for x in allowed.get("roles") or []}
        if role and listed and (role.mentionable or can_ping_all):
            roles.append(role_id)
    return everyone, users, roles


class MessageStore:
    def __init__(self, world: World) -> None:
        self.world = world
        self.by_id: dict[int, StoredMessage] = {}
        # (channel, author, nonce) -> (message id, when): what `enforce_nonce` finds again
        self.nonces: dict[tuple[int, int, str], tuple[int, float]] = {}
        self.nonce_window = NONCE_WINDOW
        self.clock = time.monotonic

    def by_nonce(self, channel: Channel, author: User, body: dict[str, Any]) -> StoredMessage | None:
        """With `enforce_nonce`, a nonce the same author used in this channel within the window names the
        message that was made then: Discord returns it and creates nothing (a deleted one: Unknown Message).
        Without `enforce_nonce` a nonce is only echoed back."""
        nonce = body.get("nonce")
        if nonce is None or not body.get("enforce_nonce"):
            return None
        seen = self.nonces.get((channel.id, author.id, str(nonce)))
        if seen is None or self.clock() - seen[1] > self.nonce_window:
            return None
        message = self.by_id[seen[0]]
        if message.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def create(self, channel: Channel, author: User, body: dict[str, Any],
               files: Sequence[UploadedFile] = (), **extra: Any) -> StoredMessage:
        message = StoredMessage(self.world.ids.next(), channel.id, channel.guild_id, author, extra=extra)
        self.apply(message, body, files)
        self.by_id[message.id] = message
        if body.get("nonce") is not None:
            message.extra["nonce"] = body["nonce"]  # echoed in the message object and MESSAGE_CREATE
            self.nonces[(channel.id, author.id, str(body["nonce"]))] = (message.id, self.clock())
        channel.last_message_id = message.id
        if channel.is_thread:
            channel.message_count += 1
        return message

    def apply(self, message: StoredMessage, body: dict[str, Any], files: Sequence[UploadedFile] = ()) -> None:
        """Create or PATCH semantics: only keys present in the body change."""
        if "content" in body:
            message.content = body["content"] or ""
        for key in ("embeds", "components"):
            if key in body:
                setattr(message, key, body[key] or [])
        if "flags" in body:
            # EPHEMERAL cannot be toggled by an edit; LOADING clears when a deferred reply is edited.
            message.flags = (int(body["flags"] or 0) & ~LOADING) | (message.flags & EPHEMERAL)
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "message_reference" in body:
            message.extra["message_reference"] = body["message_reference"]
        if "attachments" in body and message.attachments:
            keep = {str(a.get("id")) for a in body["attachments"] or []}
            message.attachments = [a for a in message.attachments if a["id"] in keep]
        message.attachments.extend(self._attachment(f, message.channel_id) for f in files)

    def edit(self, message: StoredMessage, body: dict[str, Any], files: Sequence[UploadedFile] = ()) -> None:
        self.apply(message, body, files)
        message.flags &= ~LOADING
        message.edited_at = iso_now()

    def _attachment(self, file: UploadedFile, channel_id: int) -> dict[str, Any]:
        attachment_id = self.world.ids.next()
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{file.filename}"
        return {"id": str(attachment_id), "filename": file.filename, "size": file.size, "url": url,
                "proxy_url": url, "content_type": file.content_type}

    def get(self, channel_id: int, message_id: int) -> StoredMessage | None:
        message = self.by_id.get(message_id)
        if message is None or message.deleted or message.channel_id != channel_id:
            return None
        return message

    def history(self, channel_id: int, limit: int = 50, before: int | None = None,
                after: int | None = None) -> list[StoredMessage]:
        """Newest first, like GET /channels/{id}/messages."""
        found = [m for m in self.by_id.values() if m.channel_id == channel_id and not m.deleted
                 and not m.ephemeral and (before is None or m.id < before) and (after is None or m.id > after)]
        found.sort(key=lambda m: m.id, reverse=True)
        return found[-limit:] if after is not None and before is None else found[:limit]

    def in_channel(self, channel_id: int) -> list[StoredMessage]:
        """Oldest first, for test assertions."""
        return sorted((m for m in self.by_id.values() if m.channel_id == channel_id and not m.deleted),
                      key=lambda m: m.id)

    def payload(self, message: StoredMessage) -> dict[str, Any]:
        everyone, users, roles = effective_mentions(self.world, message)
        data: dict[str, Any] = {
            "id": str(message.id), "channel_id": str(message.channel_id),
            "author": message.author.payload(), "content": message.content, "timestamp": message.created_at,
            "edited_timestamp": message.edited_at, "tts": False, "mention_everyone": everyone,
            "mentions": [self.world.users[u].payload() for u in users if u in self.world.users],
            "mention_roles": [str(r) for r in roles], "attachments": message.attachments,
            "embeds": message.embeds, "components": message.components, "pinned": False, "type": 0,
            "flags": message.flags, "reactions": self._reactions(message),
        }
        if message.guild_id:  # a direct message has no guild
            data["guild_id"] = str(message.guild_id)
        data.update(message.extra)
        if message.thread_id and (thread := self.world.channel(message.thread_id)):
            data["thread"] = thread.payload()
        return data

    def _reactions(self, message: StoredMessage) -> list[dict[str, Any]]:
        return [{"emoji": emoji_from_key(key), "count": len(users), "me": self.world.bot.id in users,
                 "me_burst": False, "burst_colors": [], "count_details": {"normal": len(users), "burst": 0}}
                for key, users in message.reactions.items() if users]

    def react(self, message: StoredMessage, key: str, user_id: int, add: bool) -> bool:
        """Returns whether anything changed (Discord dispatches nothing for a no-op)."""
        users = message.reactions.setdefault(key, [])
        if add == (user_id in users):
            return False
        users.append(user_id) if add else users.remove(user_id)
        return True
