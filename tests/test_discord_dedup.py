"""A delivery whose first attempt's outcome is unknown (the bot crashed or lost the answer after sending)
is not posted twice on Discord: each part of a message carries a nonce derived from its outbox id, sent
with `enforce_nonce`, and a card whose thread already exists reuses it (160004).

The fake Discord honours nonces as Discord does: within a few minutes, the same nonce from the same author
in the same channel returns the message made the first time, and creates nothing."""

from __future__ import annotations

import discord
import pytest

from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import MOTION, Bot, answer, discord_settings, stored, text_of, title_of
from tests.fakes.discord_fake import FakeDiscord, point_discord_at, running
from tests.test_fake_discord import Probe

SIDES = "pause, slow down, go faster"


@pytest.fixture
def settings(fake):
    return discord_settings(fake, moderator_roles=["Debate host"])


async def start(fake: FakeDiscord, bot: Bot) -> None:
    started = await answer(fake, await fake.send_slash_command(
        "debate start", {"motion": MOTION, "sides": SIDES, "format": "oxford"}, user=fake.moderator))
    assert "Debate #1 has started" in started.text
    await bot.settle()


def cards(fake: FakeDiscord) -> list:
    return [m for m in fake.messages_in(fake.channel) if title_of(m).startswith("Debate #1:")]


@pytest.mark.parametrize("lost", ["card", "thread"])
async def test_a_card_whose_answer_was_lost_is_posted_once_with_one_thread(fake, sqlite_store, clock,
                                                                          settings, lost):
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        if lost == "card":  # the card is made, the answer never arrives
            fault = fake.lose_answer("POST", f"/channels/{fake.channel.id}/messages")
        else:  # the card and its thread are made, the thread's answer never arrives
            fault = fake.lose_answer("POST", "/channels/*/messages/*/threads")
        await start(fake, bot)
        assert fault.remaining == 0
        assert len(cards(fake)) == 1
        await bot.advance(seconds=5)  # the outbox retries the delivery it could not confirm
        await bot.settle()
        [card] = cards(fake)  # Discord answered the repeat with the card it already had
        [thread] = fake.threads()
        assert thread.id == card.id
        assert [title_of(m) for m in fake.messages_in(thread)] == ["Debate #1: pre-vote"]
        debate = await stored(sqlite_store, fake.guild.id)
        assert debate.debate.thread_id == str(thread.id)  # the store knows the thread, so nothing waits on it
        posts = fake.requests("POST", f"/channels/{fake.channel.id}/messages")
        nonces = [c.json["nonce"] for c in posts]
        assert len(posts) == 2 and nonces[0] == nonces[1] and all(c.json["enforce_nonce"] for c in posts)
        assert len(nonces[0]) <= 25


async def test_an_announcement_whose_answer_was_lost_is_posted_once(fake, sqlite_store, clock, settings):
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        await start(fake, bot)
        [thread] = fake.threads()
        fake.lose_answer("POST", f"/channels/{thread.id}/messages")
        moved = await answer(fake, await fake.send_slash_command("debate next", {}, user=fake.moderator,
                                                                 channel=thread))
        assert "Debate #1" in moved.text, moved.text
        await bot.settle()
        await bot.advance(seconds=5)
        await bot.settle()
        shown = [text_of(m) for m in fake.messages_in(thread)]
        assert len(shown) == len(set(shown)), shown  # each once
        assert [title_of(m) for m in fake.messages_in(thread) if title_of(m)] == [
            "Debate #1: pre-vote", "Debate #1: opening"]


# ---- the fake honours nonces as Discord does -----------------------------------------------------------


async def send(channel, content: str, **kw):
    return await channel.send(content, **kw)


async def test_the_fake_returns_the_first_message_for_a_repeated_nonce_and_only_then():
    async with FakeDiscord() as fake:
        with point_discord_at(fake):
            async with running(Probe(fake.guild.id), fake.token, timeout=3.0) as client:
                channel = client.get_channel(fake.channel.id)
                first = await send(channel, "one", nonce="n-1")
                again = await send(channel, "one, again", nonce="n-1")
                assert again.id == first.id and again.content == "one"
                assert [m.content for m in fake.messages_in(fake.channel)] == ["one"]
                assert fake.message(first.id).extra["nonce"] == "n-1"
                # another nonce, or the same after Discord's window, makes a new message
                assert (await send(channel, "two", nonce="n-2")).id != first.id
                fake.ctx.messages.nonce_window = 0.0
                assert (await send(channel, "one later", nonce="n-1")).id != first.id
                fake.ctx.messages.nonce_window = 300.0
                # a nonce over 25 characters is refused, as Discord refuses it
                with pytest.raises(discord.HTTPException) as refused:
                    await send(channel, "long", nonce="x" * 26)
                assert refused.value.code == 50035
                # a message deleted shortly before: its nonce answers Unknown Message
                gone = await send(channel, "gone", nonce="n-3")
                await gone.delete()
                with pytest.raises(discord.NotFound):
                    await send(channel, "gone again", nonce="n-3")
