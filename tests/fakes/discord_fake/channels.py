"""REST routes for channels: messages, threads, reactions and typing.

Every change the bot makes is also dispatched on the gateway (MESSAGE_CREATE for its own messages,
THREAD_CREATE, MESSAGE_REACTION_ADD...), as Discord does, so a bot must tolerate seeing its own actions.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from aiohttp import web

from . import limits
from .context import Context
from .messages import StoredMessage
from .model import PRIVATE_THREAD, PUBLIC_THREAD, Channel, Perm
from .wire import DiscordError, json_body, missing_permissions, no_content, read_body, snowflake_arg

ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


class ChannelRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, router: web.UrlDispatcher, base: str) -> None:
        ch, msg = base + "/channels/{channel_id}", base + "/channels/{channel_id}/messages/{message_id}"
        reaction = msg + "/reactions/{emoji}"
        for method, path, handler in [
            ("GET", ch, self.get_channel), ("PATCH", ch, self.edit_channel),
            ("POST", ch + "/typing", self.typing),
            ("GET", ch + "/messages", self.history), ("POST", ch + "/messages", self.create_message),
            ("GET", msg, self.get_message), ("PATCH", msg, self.edit_message),
            ("DELETE", msg, self.delete_message),
            ("POST", ch + "/threads", self.thread_without_message),
            ("POST", msg + "/threads", self.thread_from_message),
            ("PUT", ch + "/thread-members/{user_id}", self.join_thread),
            ("GET", ch + "/thread-members", self.thread_members),
            ("GET", reaction, self.reaction_users), ("PUT", reaction + "/{user_id}", self.add_own_reaction),
            ("DELETE", reaction + "/{user_id}", self.remove_reaction),
        ]:
            router.add_route(method, path, handler)

    def _channel(self, request: web.Request) -> Channel:
        return self.ctx.channel(snowflake_arg(request, "channel_id"))

    def _message(self, request: web.Request) -> tuple[Channel, StoredMessage]:
        channel = self._channel(request)
        return channel, self.ctx.message(channel, snowflake_arg(request, "message_id"))

    # -- channels ----------------------------------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_body(self._channel(request).payload())

    async def edit_channel(self, request: web.Request) -> web.Response:
        """Renames, and for threads archiving and locking (how a debate thread gets closed)."""
        channel = self._channel(request)
        body, _ = await read_body(request)
        body = body or {}
        if not channel.is_thread:
            self.ctx.require(channel, Perm.MANAGE_CHANNELS)
        elif {"locked", "rate_limit_per_user"} & body.keys() or channel.owner_id != self.ctx.world.bot.id:
            self.ctx.require(channel, Perm.MANAGE_THREADS)  # owners may rename and archive their threads
        if channel.is_thread and channel.archived and "archived" not in body:
            raise DiscordError(400, 50083, "Thread is archived")  # unarchive it first (or with this)
        limits.check_slowmode(body)
        for key in ("name", "topic", "archived", "locked", "auto_archive_duration", "invitable",
                    "rate_limit_per_user"):
            if key in body:
                setattr(channel, key, body[key])
        await self.ctx.announce("THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE", channel.payload())
        return json_body(channel.payload())

    async def typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    # -- messages ----------------------------------------------------------------------------------

    async def history(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self.ctx.require(channel, Perm.READ_MESSAGE_HISTORY)
        query = request.query
        limit = max(1, min(100, int(query.get("limit", 50))))
        before = int(query["before"]) if "before" in query else None
        after = int(query["after"]) if "after" in query else None
        found = self.ctx.messages.history(channel.id, limit, before, after)
        return json_body([self.ctx.messages.payload(m) for m in found])

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self.ctx.prepare_post(channel)
        body, files = await read_body(request)
        body = body or {}
        limits.check_message(body, has_files=bool(files))
        limits.check_files(files)
        if files and not channel.is_dm:
            self.ctx.require(channel, Perm.ATTACH_FILES)
        if body.get("embeds") and not (body.get("content") or "").strip() and not channel.is_dm:
            # Without Embed Links an embed-only message is refused (discord-api-docs#2601).
            self.ctx.require(channel, Perm.EMBED_LINKS)
        self._check_reference(channel, body.get("message_reference"))
        if (earlier := self.ctx.messages.by_nonce(channel, self.ctx.world.bot, body)) is not None:
            return json_body(self.ctx.messages.payload(earlier))  # made once: no second MESSAGE_CREATE
        message = self.ctx.messages.create(channel, self.ctx.world.bot, body, files)
        await self.ctx.announce_message(message)
        return json_body(self.ctx.messages.payload(message))

    def _check_reference(self, channel: Channel, reference: dict[str, Any] | None) -> None:
        if not reference or reference.get("fail_if_not_exists") is False:
            return
        target = self.ctx.messages.get(int(reference.get("channel_id") or channel.id),
                                       int(reference.get("message_id") or 0))
        if target is None:
            errors = limits.Errors()
            errors.add(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
            errors.raise_if_any()

    async def get_message(self, request: web.Request) -> web.Response:
        _, message = self._message(request)
        return json_body(self.ctx.messages.payload(message))

    async def edit_message(self, request: web.Request) -> web.Response:
        channel, message = self._message(request)
        _not_archived(channel)
        if message.author.id != self.ctx.world.bot.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        body, files = await read_body(request)
        limits.check_message(body or {}, has_files=bool(files), partial=True)
        limits.check_files(files)
        self.ctx.messages.edit(message, body or {}, files)
        await self.ctx.announce_message(message, "MESSAGE_UPDATE")
        return json_body(self.ctx.messages.payload(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        channel, message = self._message(request)
        if message.author.id != self.ctx.world.bot.id:
            self.ctx.require(channel, Perm.MANAGE_MESSAGES)
        message.deleted = True
        await self.ctx.announce("MESSAGE_DELETE", {"id": str(message.id), "channel_id": str(channel.id),
                                                   "guild_id": str(channel.guild_id)})
        return no_content()

    # -- threads -----------------------------------------------------------------------------------

    async def thread_without_message(self, request: web.Request) -> web.Response:
        parent = self._channel(request)
        body, _ = await read_body(request)
        kind = int((body or {}).get("type") or PRIVATE_THREAD)  # Discord's default is private
        needed = Perm.CREATE_PUBLIC_THREADS if kind == PUBLIC_THREAD else Perm.CREATE_PRIVATE_THREADS
        thread = await self._start_thread(parent, body or {}, kind, needed, self.ctx.world.ids.next())
        return json_body(thread.payload())

    async def thread_from_message(self, request: web.Request) -> web.Response:
        parent, message = self._message(request)
        if message.thread_id is not None:
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        body, _ = await read_body(request)
        # A thread started from a message shares the message's id, as on Discord.
        thread = await self._start_thread(parent, body or {}, PUBLIC_THREAD, Perm.CREATE_PUBLIC_THREADS,
                                          message.id)
        message.thread_id = thread.id
        return json_body(thread.payload())

    async def _start_thread(self, parent: Channel, body: dict[str, Any], kind: int, needed: int,
                            thread_id: int) -> Channel:
        if parent.is_thread or parent.type not in (0, 5):
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        self.ctx.require(parent, needed)
        guild = self.ctx.world.guild_of(parent)
        active = [c for c in guild.channels.values() if c.is_thread and not c.archived]
        if len(active) >= self.ctx.max_active_threads:
            raise DiscordError(400, 160006, "Maximum number of active threads reached")
        errors = limits.Errors()
        if errors.required(("name",), body.get("name")):
            errors.max_len(("name",), body["name"], 100)
        duration = body.get("auto_archive_duration", 1440)
        if duration not in ARCHIVE_DURATIONS:
            errors.add(("auto_archive_duration",), "BASE_TYPE_CHOICES", f"Value must be one of {ARCHIVE_DURATIONS}.")
        errors.raise_if_any()
        limits.check_slowmode(body)
        thread = Channel(thread_id, guild.id, body["name"], type=kind, parent_id=parent.id,
                         owner_id=self.ctx.world.bot.id, auto_archive_duration=duration,
                         invitable=body.get("invitable", True),
                         rate_limit_per_user=body.get("rate_limit_per_user") or 0)
        guild.channels[thread.id] = thread
        await self.ctx.announce("THREAD_CREATE", thread.payload() | {"newly_created": True})
        return thread

    async def join_thread(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def thread_members(self, request: web.Request) -> web.Response:
        self._channel(request)
        return json_body([])

    # -- reactions ---------------------------------------------------------------------------------

    def _emoji(self, request: web.Request) -> str:
        return unquote(request.match_info["emoji"])

    async def add_own_reaction(self, request: web.Request) -> web.Response:
        channel, message = self._message(request)
        if request.match_info["user_id"] != "@me":
            raise DiscordError(405, 0, "405: Method Not Allowed")
        self.ctx.require(channel, Perm.ADD_REACTIONS)
        _not_archived(channel)
        await self._react(message, self._emoji(request), self.ctx.world.bot.id, add=True)
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        channel, message = self._message(request)
        raw_user = request.match_info["user_id"]
        user_id = self.ctx.world.bot.id if raw_user == "@me" else snowflake_arg(request, "user_id")
        if user_id != self.ctx.world.bot.id and not self.ctx.world.bot_permissions(channel) & Perm.MANAGE_MESSAGES:
            raise missing_permissions()
        await self._react(message, self._emoji(request), user_id, add=False)
        return no_content()

    async def _react(self, message: StoredMessage, key: str, user_id: int, add: bool) -> None:
        if self.ctx.messages.react(message, key, user_id, add):
            event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
            await self.ctx.announce(event, self.ctx.reaction_event(message, key, user_id, add))

    async def reaction_users(self, request: web.Request) -> web.Response:
        _, message = self._message(request)
        after = int(request.query.get("after", 0))
        limit = int(request.query.get("limit", 25))
        users = [u for u in message.reactions.get(self._emoji(request), []) if u > after]
        return json_body([self.ctx.world.users[u].payload() for u in sorted(users)[:limit]])


def _not_archived(channel: Channel) -> None:
    """"Users cannot edit messages, add reactions, use slash commands, or join archived threads" (Discord's
    threads topic): locked or not, only a new message (which unarchives it) or a deletion works there."""
    if channel.is_thread and channel.archived:
        raise DiscordError(400, 50083, "Thread is archived")
