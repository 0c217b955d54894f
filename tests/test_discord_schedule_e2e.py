"""Scheduled debates and the motion queue on Discord, end to end: the real bot against the fake Discord.
A moderator adds a schedule with the slash command, members propose a motion and upvote it with the card's
button, and when the clock reaches the run the top motion's debate starts in the channel by itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import (Bot, answer, buttons, discord_settings, title_of)
from tests.fakes.discord_fake import FakeDiscord

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings(fake):
    return discord_settings(fake, moderator_roles=["Debate host"])


async def slash(fake: FakeDiscord, name: str, options: dict, user) -> str:
    return (await answer(fake, await fake.send_slash_command(name, options, user=user))).text


async def test_schedule_a_debate_fill_the_queue_with_the_upvote_button_and_it_starts(
    fake, sqlite_store, settings
):
    clock = ManualClock(MONDAY)
    alice, bob, maya = fake.member, fake.other_member, fake.moderator
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        refused = await slash(
            fake, "schedule add", {"when": "every friday 18:00", "from": "queue"}, alice
        )
        assert "for moderators only" in refused
        added = await slash(
            fake,
            "schedule add",
            {
                "when": "every friday 18:00",
                "zone": "Europe/Berlin",
                "from": "queue",
                "format": "quick",
            },
            maya,
        )
        assert (
            "Schedule #1: every friday 18:00 (Europe/Berlin)" in added and "(17:00 UTC)" in added
        )
        bad = await slash(
            fake,
            "schedule add",
            {"when": "every friday 18:00", "zone": "Europe/Berln", "from": "queue"},
            maya,
        )
        assert "Did you mean Europe/Berlin" in bad

        proposed = await slash(
            fake, "motion propose", {"text": "Evaluations should be published first"}, alice
        )
        assert "Motion #1 is in the queue" in proposed
        await bot.settle()
        [card] = [m for m in fake.messages_in(fake.channel) if title_of(m) == "Motion #1 proposed"]
        assert "Upvote" in buttons(card)
        own = await answer(
            fake, await fake.send_button_click(buttons(card)["Upvote"], card, user=alice)
        )
        assert "can't upvote your own motion" in own.text and own.ephemeral
        up = await answer(
            fake, await fake.send_button_click(buttons(card)["Upvote"], card, user=bob)
        )
        assert "You upvoted motion #1: 1 upvote" in up.text
        twice = await answer(
            fake, await fake.send_button_click(buttons(card)["Upvote"], card, user=bob)
        )
        assert "already upvoted" in twice.text

        await bot.advance(days=4, hours=6)  # past Friday 17:00 UTC
        cards = [m for m in fake.messages_in(fake.channel) if title_of(m).startswith("Debate #1:")]
        assert [title_of(m) for m in cards] == ["Debate #1: Evaluations should be published first"]
        listed = await slash(fake, "motion list", {}, bob)
        assert "queue is empty" in listed
