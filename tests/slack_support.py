"""The real Steelman bot (core, SQLite store, Slack adapter on slack-bolt) started against the fake Slack,
and ways to read back what members would see.

`Bot` runs one process's worth of the bot: Bolt talks to the fake over loopback (Socket Mode or HTTP mode),
the core runs on the store given to it, and the agenda is driven by hand (`settle`, `advance`) on a
ManualClock, so nothing waits on the wall clock except bounded waits on the fake's recorded traffic.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Awaitable, Callable, TypeVar

import pytest
import pytest_asyncio

from adapters.slack import build
from tests.e2e_support import EPOCH, Stored, eventually, stored_debate  # noqa: F401
from bot.agenda import Agenda
from bot import bootstrap
from bot.clock import ManualClock
from bot.config import Settings, SlackSettings
from bot.domain import SpaceRef
from bot.messages import Message as CoreMessage
from bot.messages import Outgoing
from tests.fakes.slack_fake import TEAM_ID, ApiCall, FakeSlack, Message, clear_proxy_env

T = TypeVar("T")
BOT_TOKEN_ENV, APP_TOKEN_ENV, SECRET_ENV = ("STEELMAN_TEST_SLACK_BOT_TOKEN", "STEELMAN_TEST_SLACK_APP_TOKEN",
                                            "STEELMAN_TEST_SLACK_SIGNING_SECRET")
CHANNEL = "C0DEBATE01"
ALICE, BOB, MAYA, OLU = "U0ALICE001", "U0BOB00001", "U0MOD00001", "U0OWNER001"
MOTION = "Frontier AI labs should pause training runs above 10^26 FLOP"
SIDES = "pause, slow down, go faster"
# Anything that makes Slack notify people: @channel / @here / @everyone (also spelled out, which Slack
# links when a message is posted with link_names), a user, a user group; or links a channel or hides a URL.
BROADCAST = re.compile(r"<!(channel|here|everyone)\b|<@[UW][A-Z0-9]+|<!subteam\^|@(channel|here|everyone)\b"
                       r"|<#C|<https?:")


def slack_env(monkeypatch: Any, fake: FakeSlack) -> None:
    monkeypatch.setenv(BOT_TOKEN_ENV, fake.bot_token)
    monkeypatch.setenv(APP_TOKEN_ENV, fake.app_token)
    monkeypatch.setenv(SECRET_ENV, fake.signing_secret)


def slack_settings(mode: str, **slack: Any) -> Settings:
    options = {"enabled": True, "mode": mode, "bot_token_env": BOT_TOKEN_ENV, "app_token_env": APP_TOKEN_ENV,
               "signing_secret_env": SECRET_ENV, "http_host": "127.0.0.1", **slack}
    return Settings(slack=SlackSettings(**options))


@dataclass
class Bot:
    """One run of the bot. Use as ``async with Bot(fake, store, clock, settings) as bot``."""

    fake: FakeSlack
    store: Any
    clock: ManualClock
    settings: Settings
    summarizer: Any = None

    async def __aenter__(self) -> Bot:
        self.core = bootstrap.build(self.settings, self.clock, self.store, summarizer=self.summarizer)
        # Slack's rate limits run on the test's clock, so a retry after Retry-After is one Slack accepts
        self.fake.state.limits.clock = lambda: self.clock.now().timestamp()
        # ping_interval is also slack_sdk's pause before a reconnect: short, so recovery fits a test
        self.platform = build(self.settings, self.core, base_url=self.fake.api_url, ping_interval=0.2,
                              http_port=0)
        self.agenda = Agenda(self.core, self.platform.chat, self.clock)
        before = len(self.fake.socket.connections.items)
        await self.platform.start()
        if self.settings.slack.mode == "http":
            host, port = self.platform.address
            self.fake.app_url = f"http://{host}:{port}/slack/events"
        else:
            await self.fake.wait_for_connection(before + 1, timeout=5.0)
        assert self.platform.connected  # what /readyz reports
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.platform.close()

    async def settle(self) -> None:
        """Fire what is due now and deliver every queued message to Slack."""
        await self.agenda.settle()

    async def advance(self, **delta: float) -> None:
        """Move the clock, stopping at each deadline on the way (as the agenda loop would wake)."""
        await self.agenda.advance(timedelta(**delta))


# ---- what members see ----------------------------------------------------------------------------


def _texts(blocks: list[dict[str, Any]] | None) -> list[str]:
    out: list[str] = []
    for block in blocks or []:
        text = block.get("text")
        if isinstance(text, dict):
            out.append(text.get("text") or "")
        for element in block.get("elements") or []:
            if element.get("type") in ("mrkdwn", "plain_text"):
                out.append(element.get("text") or "")
        for f in block.get("fields") or []:
            out.append(f.get("text") or "")
    return out


def text_of(message: Any) -> str:
    """Everything readable in a message (stored message, ephemeral, or a call's params): text and blocks."""
    if isinstance(message, dict):
        text, blocks = message.get("text") or "", message.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
    else:
        text, blocks = message.text or "", message.blocks
    return "\n".join(filter(None, [text, *_texts(blocks)]))


def title_of(message: Message) -> str:
    header = next((b for b in message.blocks or [] if b.get("type") == "header"), None)
    return header["text"]["text"] if header else ""


def buttons(message: Message) -> dict[str, str]:
    """Button label -> action_id, as a member sees them on a message."""
    return {e["text"]["text"]: e["action_id"] for b in message.blocks or [] if b.get("type") == "actions"
            for e in b.get("elements") or [] if e.get("type") == "button"}


def posts(fake: FakeSlack, thread_ts: str | None = None) -> list[Message]:
    """The bot's messages in the debate channel: top level, or one thread (parent first)."""
    return [m for m in fake.messages(CHANNEL, thread_ts=thread_ts) if m.bot_id]


# ---- what the store holds --------------------------------------------------------------------------


async def stored(store: Any, number: int = 1) -> Stored:
    """A debate as the store holds it, read through the Store port."""
    return await stored_debate(store, "slack", TEAM_ID, number)


async def steady(read: Callable[[], Awaitable[T]], condition: Callable[[T], Any], duration: float = 0.3) -> T:
    """Read for a short bounded time and require `condition` to hold throughout: for events that must
    change nothing, and that the bot answers with no request at all."""
    loop = asyncio.get_running_loop()
    end = loop.time() + duration
    while True:
        value = await read()
        assert condition(value), f"changed: {value}"
        if loop.time() >= end:
            return value
        await asyncio.sleep(0.02)


async def queue_message(store: Any, number: int, message: CoreMessage, **out: Any) -> None:
    """Queue a message for debate #number as the core does (the outbox), for the agenda to deliver:
    for what the core will send but no command sends yet (files)."""
    async def write(uow):
        space = await uow.space(SpaceRef("slack", TEAM_ID), EPOCH)
        debate = await uow.debate(space.id, number)
        await uow.enqueue(space.id, Outgoing(message, debate.channel_id, debate.id, **out), EPOCH)

    await store.transact(write)


# ---- what crossed the wire ---------------------------------------------------------------------------

MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")


def message_calls(fake: FakeSlack) -> list[ApiCall]:
    return [c for c in fake.calls() if c.method in MESSAGE_METHODS]


def everything_sent(fake: FakeSlack) -> list[str]:
    """The readable text of every message the bot sent: Web API calls and response_url posts."""
    sent = [text_of(c.params) for c in message_calls(fake)]
    return sent + [text_of(r.body) for r in fake.traffic.responses.items]


SHAPE_ERRORS = {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "invalid_arguments",
                "too_many_attachments", "thread_not_found", "invalid_trigger_id", "expired_trigger_id",
                "exchanged_trigger_id"}


URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def _mrkdwn_objects(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in blocks or []:
        text = block.get("text")
        if isinstance(text, dict) and text.get("type") == "mrkdwn":
            found.append(text)
        found += [e for e in block.get("elements") or [] if e.get("type") == "mrkdwn"]
        found += [f for f in block.get("fields") or [] if f.get("type") == "mrkdwn"]
    return found


def live_links(fake: FakeSlack) -> list[str]:
    """Addresses Slack would turn into links by itself or unfurl into a preview: in a mrkdwn text that is
    not `verbatim`, or in a message posted without `unfurl_links`/`unfurl_media` false."""
    live = []
    for call in message_calls(fake):
        blocks = call.params.get("blocks")
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        live += [o["text"] for o in _mrkdwn_objects(blocks)
                 if not o.get("verbatim") and URL.search(o["text"])]
        unfurls = any(str(call.params.get(k, "true")).lower() not in ("false", "0")
                      for k in ("unfurl_links", "unfurl_media"))
        if call.method == "chat.postMessage" and unfurls and URL.search(text_of(call.params)):
            live.append(text_of(call.params))
    for response in fake.traffic.responses.items:  # replies through the response_url
        blocks = (response.body or {}).get("blocks")
        live += [o["text"] for o in _mrkdwn_objects(blocks)
                 if not o.get("verbatim") and URL.search(o["text"])]
    return live


def refused(fake: FakeSlack) -> list[ApiCall]:
    """Calls Slack refused as malformed (over a limit, no text, a bad view, a thread that is not one)."""
    return [c for c in fake.calls() if c.error in SHAPE_ERRORS]


# ---- the fake every end-to-end test starts from, and what members do --------------------------------

CAROL, DAVE = "U0CAROL001", "U0DAVE0001"


@pytest_asyncio.fixture
async def fake(monkeypatch, request):
    clear_proxy_env(monkeypatch)
    mode = request.node.callspec.params.get("mode", "socket") if hasattr(request.node, "callspec") else "socket"
    async with FakeSlack(mode=mode) as server:
        server.add_user(CAROL, "carol")
        server.add_user(DAVE, "dave")
        slack_env(monkeypatch, server)
        yield server
        # Whatever a test did: Slack never refused a message's shape, every message had a plain-text
        # fallback, every response_url post was accepted, and nothing the bot sent could notify anyone.
        assert refused(server) == []
        assert server.calls_without_text_fallback == []
        assert all(r.status == 200 and (r.body.get("text") or "").strip() for r in server.traffic.responses.items)
        assert [t for t in everything_sent(server) if BROADCAST.search(t)] == []
        assert live_links(server) == []  # and no address in member text links or unfurls by itself


@pytest.fixture
def clock():
    return ManualClock()


async def command(fake: FakeSlack, name: str, text: str, user: str = ALICE) -> str:
    """A member types a slash command; returns what the bot answered (through the response_url)."""
    since = len(fake.traffic.responses.items)
    delivery = await fake.slash_command(name, text, user=user, channel=CHANNEL)
    assert delivery.acked_in_time
    return text_of((await fake.wait_for_response(since=since, timeout=5.0)).body)


async def click(fake: FakeSlack, message_ts: str, label: str, user: str) -> str:
    """A member clicks the button labelled `label` on a message as it is now; returns the bot's answer."""
    message = fake.world.channels[CHANNEL].find(message_ts)
    since = len(fake.traffic.responses.items)
    delivery = await fake.click_button(buttons(message)[label], user=user, channel=CHANNEL, message_ts=message_ts)
    assert delivery.acked_in_time
    return text_of((await fake.wait_for_response(since=since, timeout=5.0)).body)


async def fill_form(fake: FakeSlack, message_ts: str, label: str, user: str, values: dict[str, str]) -> str:
    """A member clicks a button that opens a form, fills it in and submits it; returns the bot's answer."""
    message = fake.world.channels[CHANNEL].find(message_ts)
    mark = fake.mark()
    await fake.click_button(buttons(message)[label], user=user, channel=CHANNEL, message_ts=message_ts)
    opened = await fake.wait_for_call("views.open", since=mark, timeout=5.0)
    assert opened.ok, opened.response
    view = opened.response["view"]
    state = {name: {name: {"type": "plain_text_input", "value": value}} for name, value in values.items()}
    mark = fake.mark()
    submitted = await fake.submit_view(view["callback_id"], state_values=state, user=user, view_id=view["id"])
    assert submitted.acked_in_time
    answer = await fake.wait_for_call("chat.postEphemeral", since=mark, timeout=5.0)
    assert answer.ok and answer.params["user"] == user
    return text_of(answer.params)


async def start_debate(fake: FakeSlack, bot: Bot) -> str:
    """A moderator starts a debate; returns its card's ts (which is also its thread) once posted."""
    started = await command(fake, "/debate", f'start motion:"{MOTION}" sides:"{SIDES}" format:oxford', MAYA)
    assert "Debate #1 has started" in started
    await bot.settle()
    [card] = [m for m in posts(fake) if title_of(m).startswith("Debate #1:")]
    return card.ts


def argument_ts(fake: FakeSlack, card_ts: str, number: int) -> str:
    [message] = [m for m in posts(fake, card_ts) if title_of(m).startswith(f"#{number} ·")]
    return message.ts


def card_text(fake: FakeSlack, card_ts: str) -> str:
    return text_of(fake.world.channels[CHANNEL].find(card_ts))
