"""The fake workspace: team, users, channels, messages, views, files, and the id / ts generators.

Everything here is plain data; the Web API methods (`methods_*.py`) read and change it, and tests may
inspect it directly (``fake.world.channels["C0GENERAL"].messages``).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

BOT_USER_ID = "U0BOT0001"
BOT_ID = "B0BOT0001"
APP_ID = "A0FAKE0001"
TEAM_ID = "T0FAKE0001"


class TsClock:
    """Message timestamps like Slack's: "<seconds>.<6 digits>", strictly increasing, unique per workspace.

    Starts at 1700000000.000100 and steps 100 microseconds, so values are stable across runs (snapshots
    stay deterministic) and sort correctly both as strings and as floats."""

    def __init__(self, start_seconds: int = 1_700_000_000, step_micros: int = 100) -> None:
        self._micros = start_seconds * 1_000_000
        self._step = step_micros

    def next(self) -> str:
        self._micros += self._step
        return f"{self._micros // 1_000_000}.{self._micros % 1_000_000:06d}"


class IdMaker:
    """Slack-shaped ids: a type letter then uppercase alphanumerics (``V0000000001``, ``F0000000002``)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def make(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter):010d}"


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    is_admin: bool = False
    is_owner: bool = False
    is_primary_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    team_id: str = TEAM_ID

    def to_api(self) -> dict[str, Any]:
        real = self.real_name or self.name.title()
        return {
            "id": self.id, "team_id": self.team_id, "name": self.name, "real_name": real,
            "deleted": self.deleted, "is_admin": self.is_admin, "is_owner": self.is_owner,
            "is_primary_owner": self.is_primary_owner, "is_bot": self.is_bot,
            "is_app_user": False, "tz": "Europe/London", "tz_offset": 0,
            "profile": {"display_name": self.name, "real_name": real, "team": self.team_id},
        }


@dataclass
class Message:
    ts: str
    channel: str
    user: str
    text: str = ""
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    parent_user: str | None = None  # for a reply: who wrote the thread's parent
    reply_broadcast: bool = False
    bot_id: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    reactions: dict[str, list[str]] = field(default_factory=dict)  # name -> users, in order
    edited_ts: str | None = None
    replies: list[str] = field(default_factory=list)  # for a thread parent: reply ts values, in order
    reply_users: list[str] = field(default_factory=list)
    metadata: dict[str, Any] | None = None  # {"event_type", "event_payload"} posted with the message

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def has_text_fallback(self) -> bool:
        return bool(self.text and self.text.strip())

    def to_api(self, metadata: bool = True) -> dict[str, Any]:
        """`metadata`: with the message's metadata (reads include it only with include_all_metadata)."""
        out: dict[str, Any] = {"type": "message", "ts": self.ts, "user": self.user, "text": self.text,
                               "team": TEAM_ID}
        if metadata and self.metadata is not None:
            out["metadata"] = dict(self.metadata)
        if self.blocks is not None:
            out["blocks"] = self.blocks
        if self.bot_id:
            out.update(bot_id=self.bot_id, app_id=APP_ID)
        if self.thread_ts:
            out["thread_ts"] = self.thread_ts
        if self.replies:  # Slack only adds these to a parent that has replies
            out.update(reply_count=len(self.replies), reply_users=list(self.reply_users),
                       reply_users_count=len(self.reply_users), latest_reply=self.replies[-1])
        if self.is_reply and self.parent_user:
            out["parent_user_id"] = self.parent_user
        if self.reply_broadcast:
            out["subtype"] = "thread_broadcast"
        if self.files:
            out["files"] = self.files
            out.setdefault("subtype", "file_share")
        if self.reactions:
            out["reactions"] = [{"name": n, "users": list(u), "count": len(u)} for n, u in self.reactions.items()]
        if self.edited_ts:
            out["edited"] = {"user": self.user, "ts": self.edited_ts}
        return out


@dataclass
class Ephemeral:
    """A message only `user` sees: chat.postEphemeral, a non-in_channel response_url post, or an ack."""

    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None
    source: str  # "chat.postEphemeral" | "response_url" | "ack"
    thread_ts: str | None = None
    message_ts: str = ""


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_archived: bool = False
    is_member: bool = True  # is the bot in it? Posting and reading history need it
    members: set[str] = field(default_factory=set)
    messages: list[Message] = field(default_factory=list)  # every message, replies included, by ts

    def find(self, ts: str) -> Message | None:
        return next((m for m in self.messages if m.ts == ts), None)

    def top_level(self) -> list[Message]:
        return [m for m in self.messages if not m.is_reply or m.reply_broadcast]

    def thread(self, root_ts: str) -> list[Message]:
        return [m for m in self.messages if m.ts == root_ts or m.thread_ts == root_ts]

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "is_channel": not self.is_private and not self.is_im,
            "is_group": self.is_private, "is_im": self.is_im, "is_private": self.is_private or self.is_im,
            "is_archived": self.is_archived, "is_member": self.is_member, "is_general": self.name == "general",
            "context_team_id": TEAM_ID, "created": 1_690_000_000, "num_members": len(self.members),
        }


@dataclass
class View:
    id: str
    user: str
    body: dict[str, Any]  # what the app sent (type, title, blocks, callback_id, private_metadata, ...)
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    external_id: str | None = None

    def to_api(self) -> dict[str, Any]:
        body = self.body
        return {
            "id": self.id, "team_id": TEAM_ID, "type": body.get("type", "modal"),
            "title": body.get("title"), "submit": body.get("submit"), "close": body.get("close"),
            "blocks": body.get("blocks", []), "private_metadata": body.get("private_metadata", ""),
            "callback_id": body.get("callback_id", ""), "external_id": self.external_id or "",
            "state": {"values": {}}, "hash": self.hash, "clear_on_close": bool(body.get("clear_on_close")),
            "notify_on_close": bool(body.get("notify_on_close")), "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id, "app_id": APP_ID, "bot_id": BOT_ID,
            "app_installed_team_id": TEAM_ID,
        }


@dataclass
class Trigger:
    """A trigger_id handed out with a slash command or interaction; views.open may exchange it once."""

    id: str
    user: str
    issued_at: float = field(default_factory=time.monotonic)
    used: bool = False


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int
    data: bytes | None = None  # set once the app POSTs the bytes to the upload_url
    title: str = ""
    shared_to: list[str] = field(default_factory=list)

    def to_api(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.filename, "title": self.title or self.filename,
                "size": len(self.data or b""), "mimetype": "application/octet-stream",
                "permalink": f"https://fake.slack.com/files/{BOT_USER_ID}/{self.id}/{self.filename}"}


@dataclass
class ResponseUrl:
    """Where a response_url points: the channel, the member, and (for a button) the message it came from."""

    id: str
    channel: str
    user: str
    message_ts: str | None = None
    thread_ts: str | None = None
    uses: int = 0


class World:
    """The workspace state. Defaults: a bot, four members (one admin, one owner), three channels."""

    def __init__(self, team_id: str = TEAM_ID, team_domain: str = "fake-community") -> None:
        self.team_id, self.team_domain = team_id, team_domain
        self.ts = TsClock()
        self.ids = IdMaker()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self.triggers: dict[str, Trigger] = {}
        self.files: dict[str, UploadedFile] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._seed()

    def _seed(self) -> None:
        self.add_user(User(BOT_USER_ID, "steelman", "Steelman", is_bot=True))
        for uid, name, admin, owner in [("U0ALICE001", "alice", False, False), ("U0BOB00001", "bob", False, False),
                                        ("U0MOD00001", "maya", True, False), ("U0OWNER001", "olu", True, True)]:
            self.add_user(User(uid, name, is_admin=admin, is_owner=owner, is_primary_owner=owner))
        self.add_channel(Channel("C0GENERAL1", "general"))
        self.add_channel(Channel("C0DEBATE01", "ai-policy"))
        self.add_channel(Channel("C0RANDOM01", "random", is_member=False))

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        for channel in self.channels.values():  # new members join every public channel, like #general
            if not channel.is_private and not channel.is_im:
                channel.members.add(user.id)
        return user

    def add_channel(self, channel: Channel) -> Channel:
        if not channel.members and not channel.is_private:
            channel.members = set(self.users)
        self.channels[channel.id] = channel
        return channel

    def home_team(self, user: str) -> str:
        """The member's own workspace: another one's for a Slack Connect member."""
        known = self.users.get(user)
        return known.team_id if known else self.team_id

    def resolve_channel(self, ref: str | None) -> Channel | None:
        """A channel id, a "#name" / "name", or a user id (the bot's DM with that user, opened on demand)."""
        if not ref:
            return None
        if ref in self.channels:
            return self.channels[ref]
        if ref in self.users and not self.users[ref].is_bot:
            return self.open_im(ref)
        name = ref.lstrip("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def im_of(self, user: str) -> Channel | None:
        """The bot's DM with the user, if it was ever opened."""
        return self.channels.get("D" + user[1:])

    def open_im(self, user: str) -> Channel:
        """The bot's DM with the user: one per user, the bot always in it."""
        dm_id = "D" + user[1:]
        return self.channels.get(dm_id) or self.add_channel(
            Channel(dm_id, dm_id, is_im=True, members={user, BOT_USER_ID}))

    def new_trigger(self, user: str) -> str:
        serial = int(self.ids.make("t")[1:])  # Slack's shape: "<digits>.<digits>.<32 hex>"
        trigger = Trigger(f"1700000000.{serial:012d}.{serial:032x}", user)
        self.triggers[trigger.id] = trigger
        return trigger.id
