"""The real Steelman bot (core, SQLite store, Discord adapter) started against the fake Discord, and ways
to read back what members would see.

`Bot` runs one process's worth of the bot: the discord.py client talks to the fake over loopback, the core
runs on the store given to it, and the agenda is driven by hand (`settle`, `advance`) on a ManualClock, so
nothing waits on the wall clock except bounded waits on the fake's recorded traffic.
"""

from __future__ import annotations

import contextlib
import re

import pytest
import pytest_asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, AsyncIterator, TypeVar

from adapters.discord import build
from tests.e2e_support import EPOCH, Stored, eventually, stored_debate  # noqa: F401
from bot.agenda import Agenda
from bot import bootstrap
from bot.clock import ManualClock
from bot.config import DiscordSettings, Settings
from bot.domain import SpaceRef
from bot.messages import Message, Outgoing
from tests.fakes.discord_fake import FakeDiscord, Interaction, RestCall, StoredMessage, point_discord_at, running

T = TypeVar("T")
TOKEN_ENV = "STEELMAN_TEST_DISCORD_TOKEN"
EPHEMERAL = 1 << 6
DEFERRED, MODAL = 5, 9
MOTION = "Frontier AI labs should pause training runs above 10^26 FLOP"


def discord_settings(fake: FakeDiscord, **discord: Any) -> Settings:
    options = {"enabled": True, "token_env": TOKEN_ENV, "dev_guilds": [fake.guild.id], **discord}
    return Settings(discord=DiscordSettings(**options))


@dataclass
class Bot:
    """One run of the bot. Use as ``async with Bot(fake, store, clock, settings) as bot``."""

    fake: FakeDiscord
    store: Any
    clock: ManualClock
    settings: Settings
    summarizer: Any = None

    async def __aenter__(self) -> Bot:
        self.core = bootstrap.build(self.settings, self.clock, self.store, summarizer=self.summarizer)
        self.platform = build(self.settings, self.core, guild_ready_timeout=0.05)
        self.agenda = Agenda(self.core, self.platform.chat, self.clock)
        self._running = running(self.platform.client, self.fake.token)
        await self._running.__aenter__()
        assert self.platform.connected  # what /readyz reports
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._running.__aexit__(*exc)

    async def settle(self) -> None:
        """Fire what is due now and deliver every queued message to Discord."""
        await self.agenda.settle()

    async def advance(self, **delta: float) -> None:
        """Move the clock, stopping at each deadline on the way (as the agenda loop would wake)."""
        await self.agenda.advance(timedelta(**delta))


# ---- what members see ----------------------------------------------------------------------------


def text_of(body: dict[str, Any] | StoredMessage) -> str:
    """Everything readable in a message: content, and each embed's title, description, fields, footer."""
    if isinstance(body, StoredMessage):
        body = {"content": body.content, "embeds": body.embeds}
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f["name"], f["value"]]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(p for p in parts if p)


def title_of(message: StoredMessage) -> str:
    return (message.embeds[0].get("title") or "") if message.embeds else ""


def buttons(message: StoredMessage) -> dict[str, str]:
    """Button label -> custom id, as a member sees them on a message."""
    return {item["label"]: item["custom_id"] for row in message.components for item in row["components"]
            if item.get("type") == 2}


@dataclass
class Answer:
    """How the bot answered one interaction: the callback, and for a deferred reply the edit filling it."""

    callback: RestCall
    body: dict[str, Any]  # the message the member finally sees (empty for a modal or autocomplete)

    @property
    def text(self) -> str:
        return text_of(self.body)

    @property
    def ephemeral(self) -> bool:
        return bool(int((self.callback.json.get("data") or {}).get("flags") or 0) & EPHEMERAL)

    @property
    def deferred(self) -> bool:
        return self.callback.json["type"] == DEFERRED


async def answer(fake: FakeDiscord, interaction: Interaction, timeout: float = 3.0) -> Answer:
    callback = await fake.wait_for_callback(interaction, timeout)
    assert callback.ok, f"Discord refused the answer: {callback.status} {callback.response}"
    body = callback.json.get("data") or {}
    if callback.json["type"] == DEFERRED:
        edit = await fake.wait_for_request(method="PATCH", timeout=timeout,
                                           path=f"/webhooks/{fake.app_id}/{interaction.token}/messages/@original")
        assert edit.ok, f"Discord refused the deferred reply: {edit.status} {edit.response}"
        body = edit.json
    return Answer(callback, body)


# ---- what the store holds --------------------------------------------------------------------------


async def stored(store: Any, guild_id: int, number: int = 1) -> Stored:
    """A debate as the store holds it, read through the Store port."""
    return await stored_debate(store, "discord", str(guild_id), number)


# ---- what crossed the wire ---------------------------------------------------------------------------

MESSAGE_WRITES = [("POST", "/channels/*/messages"), ("PATCH", "/channels/*/messages/*"),
                  ("POST", "/interactions/*/callback"), ("POST", "/webhooks/*"), ("PATCH", "/webhooks/*")]
MESSAGE_CALLBACKS = (4, 7)  # a reply, or an update of the clicked message (5, 8, 9 carry no message)


def message_bodies(fake: FakeDiscord) -> list[tuple[RestCall, dict[str, Any]]]:
    """Every recorded request that creates or edits a message, with the message part of its body."""
    found = []
    for method, path in MESSAGE_WRITES:
        for call in fake.requests(method, path):
            body = call.json or {}
            if path.endswith("/callback"):
                if body.get("type") not in MESSAGE_CALLBACKS:
                    continue
                body = body.get("data") or {}
            found.append((call, body))
    return found


def could_ping(body: dict[str, Any]) -> bool:
    """Whether a message body lets Discord turn any mention into a ping: only an `allowed_mentions` that
    allows nothing is safe (without one, Discord parses every mention in the content)."""
    allowed = body.get("allowed_mentions")
    if allowed is None:
        return True
    return bool(allowed.get("parse") or allowed.get("users") or allowed.get("roles")
                or allowed.get("replied_user"))


# Discord syntax that would render live: @everyone, @here, <@user>, <@&role>, <#channel>, </command:id>,
# <t:stamp>, [masked](links), a bare address (which may unfurl; wrapped in <> it stays a plain link), and
# direction overrides that make text read otherwise. Neutralised text carries a zero-width space after the
# sigil instead.
LIVE = re.compile(r"@(everyone|here)|<(@|#|/|t:|id:|a?:\w+:\d)|\]\(|(?<![<\w])https?://"
                  "|[\u202a-\u202e\u2066-\u2069]", re.IGNORECASE)


def live_syntax(fake: FakeDiscord) -> list[str]:
    """Every piece of live Discord syntax in what the bot sent (content, embeds, fields, footers)."""
    return [m.group(0) for _, body in message_bodies(fake) for m in LIVE.finditer(text_of(body))]


async def queue_message(store: Any, guild_id: int, number: int, message: Message, **out: Any) -> None:
    """Queue a message for debate #number as the core does (the outbox), for the agenda to deliver:
    for what the core will send but no command sends yet (files)."""
    async def write(uow):
        space = await uow.space(SpaceRef("discord", str(guild_id)), EPOCH)
        debate = await uow.debate(space.id, number)
        await uow.enqueue(space.id, Outgoing(message, debate.channel_id, debate.id, **out), EPOCH)

    await store.transact(write)


def refused_for_shape(fake: FakeDiscord) -> list[RestCall]:
    """Requests Discord rejected as malformed (over a length limit, empty...)."""
    return [c for c in fake.requests()
            if isinstance(c.response, dict) and c.response.get("code") in (50035, 50006)]


@contextlib.asynccontextmanager
async def offline(fake: FakeDiscord) -> AsyncIterator[None]:
    """The bot's gateway connection drops and stays down inside the block; events meanwhile wait for it."""
    await fake.drop_gateway(hold=True)
    try:
        yield
    finally:
        fake.release_gateway()


# ---- the fixtures every Discord e2e module uses (import them by name) ----------------------------------


@pytest_asyncio.fixture
async def fake(monkeypatch):
    async with FakeDiscord() as server:
        server.privileged_intents = 0  # the developer portal grants the bot no privileged intent
        monkeypatch.setenv(TOKEN_ENV, server.token)
        with point_discord_at(server):
            yield server
        # Whatever a test did, Discord never had to refuse a malformed message, and nothing could ping.
        assert refused_for_shape(server) == []
        assert [call.path for call, body in message_bodies(server) if could_ping(body)] == []
        assert live_syntax(server) == []  # and no member's text renders as a mention or a hidden link


@pytest.fixture
def clock():
    return ManualClock()
