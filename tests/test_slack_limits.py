"""Slack's rate limits (issue 14, items 13 and 17): a 429 waits in the outbox and holds only its own
stream; a busy vote keeps the card's edits under chat.update's Tier 3. The real bot on slack-bolt against
the fake Slack, which enforces those limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.console.chat import ConsoleChat
from bot.agenda import Agenda
from bot.chat import ChatRouter
from bot.domain import SpaceRef
from bot.messages import Message as CoreMessage
from bot.messages import Outgoing
from tests.e2e_support import EPOCH
from tests.fakes.slack_fake import TEAM_ID
from tests.slack_support import CHANNEL, Bot, buttons, card_text, slack_settings, start_debate
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)

OTHER = "C0GENERAL1"


async def enqueue(store, space: SpaceRef, channel: str, text: str) -> None:
    async def write(uow):
        found = await uow.space(space, EPOCH)
        await uow.enqueue(found.id, Outgoing(CoreMessage(text), channel), EPOCH)

    await store.transact(write)


async def test_a_rate_limited_channel_holds_no_other_channel_nor_the_console(fake, sqlite_store, clock):
    console_lines: list[str] = []
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        chats = ChatRouter({"slack": bot.platform.chat,
                            "console": ConsoleChat(console_lines.append, clock, files_dir=None)})
        agenda = Agenda(bot.core, chats, clock)
        fake.fail_next("chat.postMessage", status=429, retry_after=30, channel=CHANNEL)
        slack = SpaceRef("slack", TEAM_ID)
        await enqueue(sqlite_store, slack, CHANNEL, "to the rate-limited channel")
        await enqueue(sqlite_store, slack, OTHER, "to another channel")
        await enqueue(sqlite_store, SpaceRef("console", "room"), "lobby", "to the console")

        await asyncio.wait_for(agenda.settle(), timeout=2.0)  # nothing sleeps out the 30 seconds
        assert [m.text for m in fake.messages(OTHER)] == ["to another channel"]
        assert any("to the console" in line for line in console_lines)
        assert fake.messages(CHANNEL) == []

        await agenda.advance(timedelta(seconds=29))  # Slack said 30: not before
        assert fake.messages(CHANNEL) == []
        await agenda.advance(timedelta(seconds=1))
        assert [m.text for m in fake.messages(CHANNEL)] == ["to the rate-limited channel"]


async def test_a_busy_vote_keeps_the_cards_edits_under_slacks_tier(fake, sqlite_store, clock):
    voters = [fake.add_user(f"U0VOTER{n:03d}", f"voter{n}").id for n in range(70)]
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        mark = fake.mark()
        labels = ["pause", "slow down", "go faster"]
        for n, voter in enumerate(voters):  # 70 votes in 70 seconds, each delivered as it comes
            button = buttons(fake.world.channels[CHANNEL].find(card))[labels[n % 3]]
            delivery = await fake.click_button(button, user=voter, message_ts=card)
            assert delivery.acked_in_time
            await bot.advance(seconds=1)
        await bot.advance(seconds=5)
        updates = [c for c in fake.traffic.calls.items[mark:] if c.method == "chat.update"]
        assert [c for c in updates if c.status == 429] == []  # Slack never had to refuse one
        assert len(updates) <= 50
        assert "pause 24, slow down 23, go faster 23" in card_text(fake, card)  # the last count shows
