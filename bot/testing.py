"""A test harness shipped with the package: drive the real core as members, on a real store, with a manual
clock, and read what the bot posted (as Errbot ships its test backend).

    async with testing.sqlite_harness(tmp_path) as h:
        number, thread = await h.start_debate()
        reply = await h.say("ada", "/position side:pause", thread=thread)
        await h.advance(minutes=15)
        assert "opening" in h.chat.texts("announcement")[-1]

As a pytest plugin (`pytest_plugins = ["bot.testing"]`) it gives the `harness` fixture on a fresh SQLite
file; a project can override `harness` to run the same tests on another store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bot import bootstrap
from bot.agenda import Agenda
from bot.clock import ManualClock
from bot.config import Settings
from bot.handlers import Request
from bot.domain import Actor, SpaceRef
from bot.messages import OutboxItem, Receipt, Reply

MODS = {"maya"}


@dataclass
class Posted:
    item: OutboxItem
    message_id: str


@dataclass
class RecordingChat:
    """Records every delivery; thread ids are derived from the debate so restarts agree."""

    posts: list[Posted] = field(default_factory=list)

    async def deliver(self, item: OutboxItem) -> Receipt:
        message_id = f"{item.space.external_id}-m{item.id}"
        self.posts.append(Posted(item, message_id))
        thread = f"{item.space.external_id}-t{item.out.debate_id}" if item.out.open_thread else None
        return Receipt(message_id, thread)

    def texts(self, kind: str | None = None) -> list[str]:
        return [p.item.out.message.text for p in self.posts
                if not p.item.edit_message_id and (kind is None or p.item.out.message.kind == kind)]

    def titles(self, kind: str | None = None) -> list[str]:
        return [p.item.out.message.title or "" for p in self.posts
                if not p.item.edit_message_id and (kind is None or p.item.out.message.kind == kind)]


class Harness:
    def __init__(self, store, settings: Settings | None = None, clock: ManualClock | None = None,
                 chat: RecordingChat | None = None, worker: str = "test", metrics=None):
        self.settings = settings or Settings()
        self.clock = clock or ManualClock()
        self.chat = chat or RecordingChat()
        self.core = bootstrap.build(self.settings, self.clock, store, worker=worker,
                                    metrics=metrics)
        self.agenda = Agenda(self.core, self.chat, self.clock)
        self.store = store

    def request(self, who: str, space: str = "guild-1", channel: str = "general", thread: str | None = None,
                event: str | None = None) -> Request:
        actor = Actor(who.lower(), who, who.lower() in MODS)
        return Request(SpaceRef("test", space, space), actor, channel, thread, event)

    async def say(self, who: str, line: str, **where) -> Reply:
        reply = await self.core.execute_text(self.request(who, **where), line)
        await self.agenda.settle()
        return reply

    async def advance(self, **delta) -> None:
        """Move the clock, stopping at each deadline on the way."""
        await self.agenda.advance(timedelta(**delta))

    async def start_debate(self, motion: str = "Frontier AI labs should pause training runs above 10^26 FLOP",
                           sides: str = "pause, slow down, go faster", fmt: str = "oxford", space: str = "guild-1"):
        reply = await self.say("Maya", f'/debate start motion:"{motion}" sides:"{sides}" format:{fmt}', space=space)
        assert "has started" in reply.message.text, reply.message.text
        number = int(reply.message.text.split("#")[1].split()[0])
        return number, f"{space}-t{self._debate_id(number, space)}"

    def _debate_id(self, number: int, space: str) -> int:
        for p in reversed(self.chat.posts):
            if p.item.out.open_thread and p.item.space.external_id == space and \
                    p.item.out.message.title.startswith(f"Debate #{number}:"):
                return p.item.out.debate_id
        raise AssertionError(f"no card posted for debate #{number} in {space}")


@contextlib.asynccontextmanager
async def sqlite_harness(folder: Path, settings: Settings | None = None) -> AsyncIterator[Harness]:
    """A harness on a fresh SQLite file in `folder`, closed on the way out."""
    settings = settings or Settings()
    store = bootstrap.store_for(settings.model_copy(update={
        "storage": settings.storage.model_copy(update={"url": f"sqlite:///{Path(folder) / 'steelman.db'}"})}))
    await store.open()
    try:
        yield Harness(store, settings)
    finally:
        await store.close()


try:  # the pytest plugin: only where pytest is installed
    import pytest
except ImportError:  # pragma: no cover
    pass
else:
    @pytest.fixture
    async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
        async with sqlite_harness(tmp_path) as h:
            yield h
