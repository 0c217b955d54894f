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


class DiscordChat:
    def __init__(self, client: discord.Client):
        self.client = client

    async def deliver(self, item: OutboxItem) -> Receipt:
        try:
            if item.edit_message_id:
                return await self._edit(item)
            return await self._post(item)
        except (discord.Forbidden, discord.NotFound) as exc:
            # The channel is gone or the bot lost access: retrying cannot help.
            raise PermanentDeliveryError(f"Discord refused it: {exc}") from exc
        except discord.HTTPException as exc:
            if exc.code == ARCHIVED_THREAD:  # a closed (locked) thread stays closed
                raise PermanentDeliveryError(f"Discord refused it: {exc}") from exc
            raise

    def _channel(self, item: OutboxItem, channel_id: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel_id), guild_id=int(item.space.external_id))

    async def _edit(self, item: OutboxItem) -> Receipt:
        message = self._channel(item, item.out.channel_id).get_partial_message(int(item.edit_message_id))
        await message.edit(**edit(item.out.message))
        return Receipt(item.edit_message_id)

    async def _post(self, item: OutboxItem) -> Receipt:
        in_thread = item.out.in_thread and item.thread_id
        channel = self._channel(item, item.thread_id if in_thread else item.out.channel_id)
        first: discord.Message | None = None
        for kwargs in sends(item.out.message):
            sent = await channel.send(**kwargs)
            first = first or sent
        assert first is not None
        thread_id = None
        if item.out.open_thread:
            # From the channel's REST route: a message object may lack its guild, which thread creation needs.
            thread = await self.client.http.start_thread_with_message(
                int(item.out.channel_id), first.id, name=item.out.open_thread[:100],
                auto_archive_duration=ARCHIVE_AFTER_MINUTES,
            )
            thread_id = str(thread["id"])
        if item.out.close_thread and item.thread_id:
            await self._close(item, int(item.thread_id))
        return Receipt(str(first.id), thread_id)

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
