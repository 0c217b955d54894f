"""Outbound routing: one process may serve several platforms; each message goes to its space's platform."""

from __future__ import annotations

from bot.messages import OutboxItem, Receipt
from bot.ports import Chat


class ChatRouter:
    def __init__(self, chats: dict[str, Chat]):
        self.chats = chats

    async def deliver(self, item: OutboxItem) -> Receipt:
        chat = self.chats.get(item.space.platform)
        if chat is None:  # e.g. a Slack message while only Discord runs here: leave it to a process that can
            raise LookupError(f"no {item.space.platform} adapter runs in this process")
        return await chat.deliver(item)
