"""Direct messages on Discord, end to end against the strict fake: the bot opens a DM channel with the
member (POST /users/@me/channels) and posts there, never in the channel; a member who takes no DMs from
the bot (50007) is a refusal of that message alone: the debate, its thread and its channel's schedules go on."""

from __future__ import annotations

import pytest

from bot.messages import Message
from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import Bot, answer, discord_settings, queue_message, stored, text_of, title_of
from tests.fakes.discord_fake import FakeDiscord
from tests.test_discord_e2e import start_debate


@pytest.fixture
def settings(fake):
    return discord_settings(fake, moderator_roles=["Debate host"])


async def slash(fake: FakeDiscord, name: str, options: dict, user) -> str:
    return (await answer(fake, await fake.send_slash_command(name, options, user=user))).text


def everywhere_but_dms(fake: FakeDiscord) -> list[str]:
    public = [*fake.messages_in(fake.channel), *(m for t in fake.threads() for m in fake.messages_in(t))]
    return [text_of(m) for m in public]


async def test_a_direct_message_goes_to_the_members_dm_channel_only(fake, sqlite_store, clock, settings):
    alice = fake.member
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        await start_debate(fake, bot)
        for n in (1, 2):
            await queue_message(sqlite_store, fake.guild.id, 1, Message(f"Only for you, number {n}"),
                                direct_to=str(alice.id))
        await bot.settle()
        assert [text_of(m) for m in fake.direct_messages(alice)] == [
            "Only for you, number 1", "Only for you, number 2"]
        assert not any("Only for you" in t for t in everywhere_but_dms(fake))
        opened = fake.requests("POST", "/users/@me/channels")
        assert [str(c.json["recipient_id"]) for c in opened] == [str(alice.id)]  # opened once, then reused
        assert fake.direct_messages(fake.other_member) == []


async def test_a_member_who_takes_no_dms_is_refused_for_good_and_nothing_else_stops(
        fake, sqlite_store, clock, settings):
    bob = fake.other_member
    fake.refuse_dms(bob)
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        await start_debate(fake, bot)
        added = await slash(fake, "schedule add", {"when": "every friday 18:00", "prompt": "What next?"},
                            fake.moderator)
        assert "Schedule #1" in added
        await queue_message(sqlite_store, fake.guild.id, 1, Message("A reminder for Bob"), direct_to=str(bob.id))
        await bot.settle()
        posts = [c for c in fake.requests("POST", "/channels/*/messages") if "A reminder" in str(c.json)]
        assert [c.response.get("code") for c in posts] == [50007]
        await bot.advance(minutes=30)  # no retry of a refusal for good
        assert len([c for c in fake.requests("POST", "/channels/*/messages") if "A reminder" in str(c.json)]) == 1
        assert (await stored(sqlite_store, fake.guild.id)).debate.state.value == "round"  # not cancelled
        listed = await slash(fake, "schedule list", {}, fake.moderator)
        assert "next " in listed and "paused" not in listed
        assert any("opening" in t for t in everywhere_but_dms(fake))  # the debate goes on in its thread


async def test_a_schedule_paused_by_a_lost_permission_tells_its_moderator_by_dm_once(
        fake, sqlite_store, settings):
    from datetime import UTC, datetime

    from bot.clock import ManualClock
    from tests.fakes.discord_fake import Perm
    from tests.test_discord_refusals import deny_bot

    clock = ManualClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    maya = fake.moderator
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        added = await slash(fake, "schedule add", {"when": "every friday 18:00", "prompt": "What next?"}, maya)
        assert "Schedule #1" in added
        deny_bot(fake, fake.channel, Perm.SEND_MESSAGES)  # an admin takes the bot's right to post
        await bot.advance(days=14)
        [told] = fake.direct_messages(maya)
        assert title_of(told) == "Schedule #1 is paused"
        assert "Missing Permissions" in text_of(told) and "/schedule resume schedule:1" in text_of(told)
        listed = await slash(fake, "schedule list", {}, maya)
        assert "paused: I could not post in" in listed
        assert fake.direct_messages(fake.member) == []


async def test_remind_me_on_discord_sends_the_post_vote_reminder_by_dm(fake, sqlite_store, clock, settings):
    alice, bob = fake.member, fake.other_member
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        _, thread = await start_debate(fake, bot)
        voted = await answer(fake, await fake.send_slash_command("position", {"side": "pause"}, user=alice,
                                                                 channel=thread))
        assert voted.ephemeral
        asked = await answer(fake, await fake.send_slash_command("remind me", {}, user=alice, channel=thread))
        assert asked.ephemeral and "I will send you a direct message once" in asked.text
        again = await answer(fake, await fake.send_slash_command("remind me", {}, user=alice, channel=thread))
        assert "You already asked for a reminder for debate #1" in again.text
        bob_asks = await answer(fake, await fake.send_slash_command("remind me", {"debate": 1}, user=bob))
        assert "You have not voted in the pre-vote of debate #1 yet" in bob_asks.text
        await bot.advance(hours=2, minutes=44)
        assert fake.direct_messages(alice) == []
        await bot.advance(minutes=1)
        [dm] = fake.direct_messages(alice)
        assert title_of(dm) == "Debate #1: the post-vote is open"
        assert fake.direct_messages(bob) == []
        assert not any("post-vote is open: “" in t for t in everywhere_but_dms(fake))  # not in public
