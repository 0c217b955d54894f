"""What both platforms' end-to-end tests read back: a debate as the store holds it, and bounded waits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.domain import SpaceRef

T = TypeVar("T")
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # a space read here already exists: its creation time is unused


@dataclass
class Stored:
    debate: Any
    positions: list
    arguments: list
    endorsements: list
    votes: list = ()  # every agree / disagree / pass, changes included, oldest first


async def stored_debate(store: Any, platform: str, space: str, number: int = 1) -> Stored:
    """A debate as the store holds it, read through the Store port."""
    async def read(uow):
        found = await uow.space(SpaceRef(platform, space), EPOCH)
        debate = await uow.debate(found.id, number)
        assert debate is not None, f"no debate #{number} stored"
        return Stored(debate, await uow.positions(debate.id), await uow.arguments(debate.id),
                      await uow.endorsements(debate.id), await uow.votes(debate.id))

    return await store.transact(read)


async def eventually(read: Callable[[], Awaitable[T]], condition: Callable[[T], Any], timeout: float = 3.0) -> T:
    """Read again until `condition` holds, within a bounded time: for events the bot answers with no
    request at all (a reaction only changes the store)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition(value := await read()):
        assert loop.time() < deadline, f"not so within {timeout}s: {value}"
        await asyncio.sleep(0.01)
    return value
