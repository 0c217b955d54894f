"""Scheduled debates and the motion queue on Slack, end to end (Socket Mode and HTTP): the real bot against
the fake Slack. A moderator adds a schedule with /schedule, a member proposes a motion with /motion, others
upvote it with the card's button, and at the run the top motion's debate starts in the channel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import pytest_asyncio

from bot.clock import ManualClock
from tests.fakes.slack_fake import FakeSlack, clear_proxy_env
from tests.slack_support import (
    ALICE,
    BOB,
    BROADCAST,
    CHANNEL,
    MAYA,
    Bot,
    buttons,
    everything_sent,
    posts,
    refused,
    slack_env,
    slack_settings,
    text_of,
    title_of,
)

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BOTH = pytest.mark.parametrize("mode", ["socket", "http"])


@pytest_asyncio.fixture
async def fake(monkeypatch, request):
    clear_proxy_env(monkeypatch)
    async with FakeSlack(mode=request.node.callspec.params["mode"]) as server:
        slack_env(monkeypatch, server)
        yield server
        assert refused(server) == []
        assert [t for t in everything_sent(server) if BROADCAST.search(t)] == []


async def command(fake: FakeSlack, name: str, text: str, user: str) -> str:
    since = len(fake.traffic.responses.items)
    delivery = await fake.slash_command(name, text, user=user, channel=CHANNEL)
    assert delivery.acked_in_time
    return text_of((await fake.wait_for_response(since=since, timeout=5.0)).body)


async def click(fake: FakeSlack, message_ts: str, label: str, user: str) -> str:
    message = fake.world.channels[CHANNEL].find(message_ts)
    since = len(fake.traffic.responses.items)
    delivery = await fake.click_button(
        buttons(message)[label], user=user, channel=CHANNEL, message_ts=message_ts
    )
    assert delivery.acked_in_time
    return text_of((await fake.wait_for_response(since=since, timeout=5.0)).body)


@BOTH
async def test_schedule_a_debate_fill_the_queue_with_the_upvote_button_and_it_starts(
    fake, sqlite_store, mode
):
    async with Bot(fake, sqlite_store, ManualClock(MONDAY), slack_settings(mode)) as bot:
        assert "for moderators only" in await command(
            fake, "/schedule", 'add when:"every friday 18:00" from:queue', ALICE
        )
        added = await command(
            fake,
            "/schedule",
            'add when:"every friday 18:00" zone:Europe/Berlin from:queue format:quick',
            MAYA,
        )
        assert "Schedule #1: every friday 18:00 (Europe/Berlin)" in added
        too_often = await command(fake, "/schedule", 'add when:"*/20 * * * *" from:queue', MAYA)
        assert "the minimum is 1 h" in too_often

        proposed = await command(
            fake, "/motion", 'propose text:"Evaluations should be published first"', ALICE
        )
        assert "Motion #1 is in the queue" in proposed
        await bot.settle()
        [card] = [m for m in posts(fake) if title_of(m) == "Motion #1 proposed"]
        assert "can't upvote your own motion" in await click(fake, card.ts, "Upvote", ALICE)
        assert "You upvoted motion #1: 1 upvote" in await click(fake, card.ts, "Upvote", BOB)
        assert "already upvoted" in await click(fake, card.ts, "Upvote", BOB)

        await bot.advance(days=4, hours=6)  # past Friday 17:00 UTC
        assert [title_of(m) for m in posts(fake) if title_of(m).startswith("Debate #")] == [
            "Debate #1: Evaluations should be published first"
        ]
        assert "queue is empty" in await command(fake, "/motion", "list", BOB)
