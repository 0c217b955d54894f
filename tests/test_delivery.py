"""Delivery runs stream by stream side by side: one held-up stream (a platform's rate limit, a slow
channel) does not delay the messages of another, and each stream keeps its order."""

import asyncio

from bot.messages import OutboxItem, Receipt
from bot.testing import Harness, RecordingChat


class HeldChat(RecordingChat):
    """Holds every delivery to one community until released, as a rate-limited platform would."""

    def __init__(self, held_space: str):
        super().__init__()
        self.held_space = held_space
        self.release = asyncio.Event()

    async def deliver(self, item: OutboxItem) -> Receipt:
        if item.space.external_id == self.held_space:
            await self.release.wait()
        return await super().deliver(item)


async def test_a_held_up_stream_does_not_delay_another(store):
    chat = HeldChat("guild-slow")
    h = Harness(store, chat=chat)
    maya = "/debate start motion:\"Compute governance is safer than software governance\" format:quick"
    await h.core.execute_text(h.request("Maya", space="guild-slow"), maya)
    await h.core.execute_text(h.request("Maya", space="guild-1"), maya)
    delivering = asyncio.create_task(h.agenda.settle())
    for _ in range(200):  # bounded: the other community's card arrives while the first is held
        if chat.titles("card"):
            break
        await asyncio.sleep(0.01)
    assert {p.item.space.external_id for p in chat.posts} == {"guild-1"}  # its card and announcement
    assert not delivering.done()
    chat.release.set()
    await asyncio.wait_for(delivering, 5)
    assert sorted(p.item.space.external_id for p in chat.posts if p.item.out.open_thread) == ["guild-1", "guild-slow"]
    slow = [p.item.id for p in chat.posts if p.item.space.external_id == "guild-slow"]
    assert slow == sorted(slow)  # in order within its stream
