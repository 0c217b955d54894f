"""Outbound to Discord: post or edit what the outbox holds; a card's post opens the debate's thread."""

from __future__ import annotations

import discord

from adapters.discord.render import edit, sends
from bot.messages import OutboxItem, Receipt
from bot.ports import PermanentDeliveryError

ARCHIVE_AFTER_MINUTES = 10080  # a week: debates last hours or days, the thread must not vanish mid-debate


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

    def _channel(self, item: OutboxItem, channel_id: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel_id), guild_id=int(item.space.external_id))

    async def _edit(self, item: OutboxItem) -> Receipt:
        message = self._channel(item, item.out.channel_id).get_partial_message(int(item.edit_message_id))
        await message.edit(**edit(item.out.message))
        return Receipt(item.edit_message_id)

    async def _post(self, item: OutboxItem) -> Receipt:
        where = item.thread_id if item.out.in_thread and item.thread_id else item.out.channel_id
        channel = self._channel(item, where)
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
        return Receipt(str(first.id), thread_id)
