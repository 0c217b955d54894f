"""Outbound to Discord: post or edit what the outbox holds; a card's post opens the debate's thread, and
the closing notice closes it (archived, and locked when the bot may manage threads)."""

from __future__ import annotations

import logging
from typing import Any

import discord

from adapters.discord.render import edit, sends
from bot.platform import OutboxItem, PermanentDeliveryError, Receipt

log = logging.getLogger("steelman.discord")
ARCHIVE_AFTER_MINUTES = 10080  # a week: debates last hours or days, the thread must not vanish mid-debate
ARCHIVED_THREAD = 50083  # Discord: "Operation cannot be performed on an archived thread"
CANNOT_DM = 50007  # Discord: "Cannot send messages to this user" (their privacy settings, or a bot)
THREAD_EXISTS = 160004  # Discord: "A thread has already been created for this message"
NONCE_MAX = 25  # Discord: a nonce is at most 25 characters


def nonce(item: OutboxItem, part: int) -> str:
    """The nonce of a message's `part`, the same on every attempt: sent with `enforce_nonce` (discord.py
    sets it with any nonce), Discord answers a repeat within a few minutes with the message it already
    made, so a post whose first attempt's outcome is unknown (a crash, a timeout) is not made twice."""
    key = f"sm{item.id:x}.{part}"  # an outbox id (64 bits) takes at most 16 hex digits
    assert len(key) <= NONCE_MAX
    return key


class DiscordChat:
    def __init__(self, client: discord.Client, tell: Any = None):
        self.client = client
        self.tell = tell  # async (item, reason): tells the moderator a debate could not be shown
        self.dms: dict[str, int] = {}  # member id -> the DM channel Discord opened with them

    async def deliver(self, item: OutboxItem) -> Receipt:
        if item.out.direct_to:
            return await self._direct(item)
        try:
            if item.edit_message_id:
                return await self._edit(item)
            return await self._post(item)
        except PermanentDeliveryError as exc:
            await self._told(item, exc)
            raise
        except (discord.Forbidden, discord.NotFound) as exc:
            # The channel is gone or the bot lost access: retrying cannot help.
            error = PermanentDeliveryError(f"Discord refused it: {exc}")
            error.__cause__ = exc  # the moderator is told Discord's reason, read from its code
            await self._told(item, error)
            raise error from exc
        except discord.HTTPException as exc:
            if exc.code == ARCHIVED_THREAD:  # a closed (locked) thread stays closed
                raise PermanentDeliveryError(f"Discord refused it: {exc}") from exc
            raise

    async def _direct(self, item: OutboxItem) -> Receipt:
        """A direct message: open (or reuse) the DM channel with the member, then post there. A member
        who takes no DMs from the bot (50007) is a refusal for good of this message alone."""
        member = item.out.direct_to
        try:
            if member not in self.dms:
                opened = await self.client.http.start_private_message(int(member))
                self.dms[member] = int(opened["id"])
            channel = self.client.get_partial_messageable(self.dms[member], type=discord.ChannelType.private)
            first: discord.Message | None = None
            for kwargs in sends(item.out.message):
                sent = await channel.send(**kwargs)
                first = first or sent
        except (discord.Forbidden, discord.NotFound) as exc:
            why = "they take no direct messages from the bot" if exc.code == CANNOT_DM else str(exc)
            raise PermanentDeliveryError(f"Discord refused a direct message to {member}: {why}") from exc
        except discord.HTTPException as exc:
            if exc.code == CANNOT_DM:  # answered as a 400 when the member is a bot
                raise PermanentDeliveryError(f"Discord refused a direct message to {member}: {exc}") from exc
            raise
        assert first is not None
        return Receipt(str(first.id))

    async def _told(self, item: OutboxItem, exc: PermanentDeliveryError) -> None:
        """A refused card means the core cancels its debate: its moderator hears why."""
        if item.out.open_thread and self.tell is not None:
            await self.tell(item, exc)

    def _channel(self, item: OutboxItem, channel_id: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel_id), guild_id=int(item.space.external_id))

    async def _edit(self, item: OutboxItem) -> Receipt:
        # A thread is a channel of its own on Discord: an argument posted in it is edited there.
        where = item.thread_id if item.out.in_thread and item.thread_id else item.out.channel_id
        message = self._channel(item, where).get_partial_message(int(item.edit_message_id))
        await message.edit(**edit(item.out.message))
        return Receipt(item.edit_message_id)

    async def _post(self, item: OutboxItem) -> Receipt:
        if item.out.in_thread and not item.thread_id:
            # The debate's thread was never opened (its card was refused): the channel is not the place.
            raise PermanentDeliveryError("the debate has no thread")
        channel = self._channel(item, item.thread_id if item.out.in_thread else item.out.channel_id)
        first: discord.Message | None = None
        for part, kwargs in enumerate(sends(item.out.message)):
            sent = await channel.send(**kwargs, nonce=nonce(item, part))
            first = first or sent
        assert first is not None
        thread_id = await self._open_thread(item, first.id) if item.out.open_thread else None
        if item.out.close_thread and item.thread_id:
            await self._close(item, int(item.thread_id))
        return Receipt(str(first.id), thread_id)

    async def _open_thread(self, item: OutboxItem, card_id: int) -> str:
        """The card's thread. The card is out: whatever Discord answers, it must not be posted again, so
        a refusal (160006 too many active threads, 50024 a voice channel's chat, a missing permission;
        discord.py has already retried 429s and 5xxs) is a refusal of the thread alone, the card recorded.
        A thread already there (an earlier attempt opened it, then its outcome was lost) is the thread."""
        try:
            # From the channel's REST route: a message object may lack its guild, which thread creation needs.
            thread = await self.client.http.start_thread_with_message(
                int(item.out.channel_id), card_id, name=item.out.open_thread[:100],
                auto_archive_duration=ARCHIVE_AFTER_MINUTES,
            )
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:  # a thread started from a message has the message's id
                return str((await self.client.http.get_channel(card_id))["id"])
            raise PermanentDeliveryError(f"Discord refused the thread: {exc}",
                                         Receipt(str(card_id))) from exc
        return str(thread["id"])

    async def _close(self, item: OutboxItem, thread_id: int) -> Any:
        """Archive the debate's thread, locked when the bot has Manage Threads (else members could reopen
        it by posting). The notice is already out: a failure here is logged, never a reason to post again."""
        edit = self.client.http.edit_channel
        try:
            if self._may_lock(item, thread_id):
                try:
                    return await edit(thread_id, archived=True, locked=True)
                except discord.Forbidden:  # the cache did not know: archive only
                    pass
            await edit(thread_id, archived=True)  # `locked` at all needs Manage Threads
        except discord.HTTPException as exc:
            log.warning("could not close thread %s: %s", thread_id, exc)

    def _may_lock(self, item: OutboxItem, thread_id: int) -> bool:
        """Whether the bot may lock the thread, from the gateway's cache; True if unknown (then tried)."""
        guild = self.client.get_guild(int(item.space.external_id))
        thread = guild.get_channel_or_thread(thread_id) if guild else None
        if guild is None or thread is None or guild.me is None:
            return True
        return thread.permissions_for(guild.me).manage_threads
