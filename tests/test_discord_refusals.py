"""What a moderator meets when Discord refuses part of a debate (issue 14, items 1-3): permissions the bot
lacks, a channel that takes no threads, a server at its thread limit, access lost after the start. The real
bot against the strict fake; assertions read what members see and what the store holds."""

from __future__ import annotations

import pytest

from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import (MOTION, Bot, answer, buttons, discord_settings, stored, text_of, title_of)
from tests.fakes.discord_fake import FakeDiscord, Perm




def deny_bot(fake: FakeDiscord, channel, permission: int) -> None:
    """A channel overwrite that takes `permission` from the bot, as a server admin would set it."""
    channel.overwrites.append({"id": str(fake.bot_user.id), "type": 1, "allow": "0",
                               "deny": str(int(permission))})


async def start(fake: FakeDiscord, channel=None):
    return await answer(fake, await fake.send_slash_command(
        "debate start", {"motion": MOTION, "sides": "pause, go faster"}, user=fake.moderator,
        channel=channel or fake.channel))


def public(fake: FakeDiscord, channel) -> list:
    """What every member sees in a channel (a private reply is shown to one member only)."""
    return [m for m in fake.messages_in(channel) if not m.ephemeral]


def told_moderator(fake: FakeDiscord, interaction) -> list[str]:
    """The private follow-ups the moderator got on their /debate start."""
    calls = fake.requests("POST", f"/webhooks/{fake.app_id}/{interaction.token}")
    return [text_of(c.json) for c in calls if c.ok and c.json.get("flags", 0) & 64]


@pytest.mark.parametrize("permission, shown", [
    (Perm.VIEW_CHANNEL, "View Channel"), (Perm.SEND_MESSAGES, "Send Messages"),
    (Perm.EMBED_LINKS, "Embed Links"), (Perm.CREATE_PUBLIC_THREADS, "Create Public Threads"),
    (Perm.ATTACH_FILES, "Attach Files")])
async def test_a_missing_permission_is_named_and_no_debate_starts(fake, sqlite_store, clock, permission,
                                                                  shown):
    deny_bot(fake, fake.channel, permission)
    async with Bot(fake, sqlite_store, clock, discord_settings(fake)) as bot:
        reply = await start(fake)
        assert reply.ephemeral and f"I am missing {shown}" in reply.text
        assert "has started" not in reply.text
        await bot.advance(minutes=30)
    assert public(fake, fake.channel) == [] and fake.threads() == []
    with pytest.raises(AssertionError):
        await stored(sqlite_store, fake.guild.id)  # nothing was recorded


async def test_a_voice_channels_chat_is_refused_before_anything_is_posted(fake, sqlite_store, clock):
    voice = fake.add_channel("lounge", type=2)
    async with Bot(fake, sqlite_store, clock, discord_settings(fake)) as bot:
        reply = await start(fake, voice)
        assert reply.ephemeral and "Debates need a text channel" in reply.text
        await bot.advance(minutes=30)
    assert public(fake, voice) == []


async def test_a_refused_thread_leaves_one_card_cancelled_and_the_moderator_told(fake, sqlite_store, clock):
    fake.ctx.max_active_threads = 0  # the server is at Discord's limit: 160006 on every new thread
    async with Bot(fake, sqlite_store, clock, discord_settings(fake)) as bot:
        asked = await fake.send_slash_command("debate start", {"motion": MOTION, "sides": "pause, go faster"},
                                              user=fake.moderator)
        assert "has started" in (await answer(fake, asked)).text
        await bot.settle()
        await bot.advance(minutes=30)  # retries and round announcements would have come by now
        posted = public(fake, fake.channel)
        assert [title_of(m) for m in posted] == [f"Debate #1: {MOTION}"]  # one card, nothing else
        assert buttons(fake.message(posted[0].id)) == {}  # no live vote buttons on it
        assert (await stored(sqlite_store, fake.guild.id)).debate.state.value == "cancelled"
        [told] = told_moderator(fake, asked)
        assert "limit of active threads" in told and "cancelled" in told


async def test_access_lost_after_the_start_cancels_the_debate_and_tells_the_moderator(fake, sqlite_store,
                                                                                    clock):
    async with Bot(fake, sqlite_store, clock, discord_settings(fake)) as bot:
        asked = await fake.send_slash_command("debate start", {"motion": MOTION, "sides": "pause, go faster"},
                                              user=fake.moderator)
        assert "has started" in (await answer(fake, asked)).text
        deny_bot(fake, fake.channel, Perm.SEND_MESSAGES)  # an admin changes the channel meanwhile
        await bot.settle()
        await bot.advance(minutes=30)
        assert public(fake, fake.channel) == [] and fake.threads() == []
        assert (await stored(sqlite_store, fake.guild.id)).debate.state.value == "cancelled"
        [told] = told_moderator(fake, asked)
        assert "missing a permission" in told and "cancelled" in told
