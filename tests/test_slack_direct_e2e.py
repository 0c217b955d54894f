"""Direct messages on Slack, end to end against the strict fake: conversations.open (which needs im:write)
gives the member's DM channel and chat.postMessage posts there, never in the debate's channel. An app
installed without im:write, or a member who cannot be messaged, refuses that message alone."""

from __future__ import annotations

import dataclasses

import pytest

from bot.messages import Message
from tests.slack_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.slack_support import (ALICE, BOB, MAYA, Bot, command, everything_sent, posts, queue_message,
                                 slack_settings, start_debate, stored, text_of)


async def test_a_direct_message_goes_to_the_members_im_only(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card_ts = await start_debate(fake, bot)
        for n in (1, 2):
            await queue_message(sqlite_store, 1, Message(f"Only for you, number {n}"), direct_to=ALICE)
        await bot.settle()
        im = fake.world.im_of(ALICE)
        assert im is not None and im.is_im
        assert [m.text for m in fake.messages(im.id)] == ["Only for you, number 1", "Only for you, number 2"]
        public = [text_of(m) for m in [*posts(fake), *posts(fake, card_ts)]]
        assert not any("Only for you" in t for t in public)
        opened = fake.calls("conversations.open")
        assert [(c.params.get("users"), c.ok) for c in opened] == [(ALICE, True)]  # opened once, reused
        sent = [c for c in fake.calls("chat.postMessage") if "Only for you" in text_of(c.params)]
        assert {c.params["channel"] for c in sent} == {im.id} and all("thread_ts" not in c.params for c in sent)
        assert fake.world.im_of(BOB) is None


async def test_a_direct_message_whose_answer_was_lost_is_posted_once(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        await start_debate(fake, bot)
        await bot.settle()
        fake.lose_answer("chat.postMessage")  # the next post (the DM) is made, its answer never arrives
        await queue_message(sqlite_store, 1, Message("Your export is ready"), direct_to=ALICE)
        await bot.settle()
        await bot.advance(seconds=5)  # the outbox retries what it could not confirm
        await bot.settle()
        im = fake.world.im_of(ALICE)
        assert [m.text for m in fake.messages(im.id)] == ["Your export is ready"]
        [lookup] = fake.calls("conversations.history")
        assert lookup.params["channel"] == im.id and lookup.ok  # looked for in the DM (im:history)


async def test_without_im_write_the_direct_message_is_refused_and_nothing_else_stops(fake, sqlite_store, clock):
    fake.state.settings = dataclasses.replace(fake.settings, scopes=fake.settings.scopes - {"im:write"})
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        await start_debate(fake, bot)
        assert "Schedule #1" in await command(fake, "/schedule", 'add when:"every friday 18:00" prompt:"Next?"', MAYA)
        await queue_message(sqlite_store, 1, Message("A reminder for Bob"), direct_to=BOB)
        await bot.settle()
        [call] = fake.calls("conversations.open")
        assert call.error == "missing_scope" and call.response["needed"] == "im:write"
        await bot.advance(minutes=30)  # refused for good: not tried again
        assert len(fake.calls("conversations.open")) == 1
        assert not any("A reminder for Bob" in t for t in everything_sent(fake))
        assert (await stored(sqlite_store)).debate.state.value == "round"  # the debate went on
        listed = await command(fake, "/schedule", "list", MAYA)
        assert "next " in listed and "paused" not in listed


async def test_a_member_slack_cannot_message_is_refused_for_good(fake, sqlite_store, clock):
    fake.add_user("U0GONE0001", "gone", deleted=True)
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        await start_debate(fake, bot)
        await queue_message(sqlite_store, 1, Message("Hello"), direct_to="U0GONE0001")
        await bot.settle()
        await bot.advance(minutes=5)
        assert [c.error for c in fake.calls("conversations.open")] == ["user_disabled"]


async def test_remind_me_on_slack_is_debate_remind_and_the_reminder_arrives_in_the_im(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        await start_debate(fake, bot)
        with pytest.raises(ValueError, match="built-in"):  # Slack's own /remind never reaches the app
            await fake.slash_command("/remind", "me")
        await command(fake, "/position", "side:pause debate:1", ALICE)
        asked = await command(fake, "/debate-remind", "me debate:1", ALICE)
        assert "I will send you a direct message once when the post-vote of debate #1 opens" in asked
        twice = await command(fake, "/debate-remind", "me debate:1", ALICE)
        assert "You already asked" in twice
        not_pre = await command(fake, "/debate-remind", "me debate:1", BOB)
        assert "You have not voted in the pre-vote of debate #1 yet" in not_pre
        await bot.advance(hours=2, minutes=45)
        im = fake.world.im_of(ALICE)
        [dm] = fake.messages(im.id)
        assert "The post-vote of debate #1 is open" in dm.text
        assert fake.world.im_of(BOB) is None
