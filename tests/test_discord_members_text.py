"""What members type, as Discord carries it (issue 14, items 5-7): sides in any script and at full length,
a skin-toned 👍, an interaction without its `channel` object. The real bot against the strict fake."""

from __future__ import annotations


from bot.config import DiscordSettings, Limits, Settings
from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import (MOTION, TOKEN_ENV, Bot, answer, buttons, eventually, stored, title_of)
from tests.fakes.discord_fake import FakeDiscord




def settings_for(fake: FakeDiscord, **limits) -> Settings:
    return Settings(discord=DiscordSettings(enabled=True, token_env=TOKEN_ENV, dev_guilds=[fake.guild.id]),
                    limits=Limits(**limits))


async def start(fake, bot, sides: str, motion: str = MOTION):
    reply = await answer(fake, await fake.send_slash_command(
        "debate start", {"motion": motion, "sides": sides}, user=fake.moderator))
    await bot.settle()
    return reply, [m for m in fake.messages_in(fake.channel) if title_of(m).startswith("Debate #1:")]


async def test_sides_in_another_script_get_vote_buttons_that_work(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, settings_for(fake)) as bot:
        reply, [card] = await start(fake, bot, "за, против")
        assert "has started" in reply.text
        vote = await fake.send_button_click(buttons(card)["против"], card, user=fake.member)
        assert "против" in (await answer(fake, vote)).text
        [position] = (await stored(sqlite_store, fake.guild.id)).positions
        assert position.side == "против"


async def test_ten_sides_of_forty_characters_and_a_motion_at_its_limit_with_mentions(fake, sqlite_store,
                                                                                     clock):
    sides = ", ".join(f"сторона {i:02d} " + "x" * 29 for i in range(10))  # 418 characters as typed
    motion = ("@everyone <@1> " * 70)[:1000].strip() + "!"
    motion = motion.ljust(1000, "y")
    async with Bot(fake, sqlite_store, clock, settings_for(fake, max_sides=10, max_motion=1000)) as bot:
        reply, [card] = await start(fake, bot, sides, motion)
        assert "has started" in reply.text
        ids = [item["custom_id"] for row in card.components for item in row["components"]]
        assert len(ids) == 13 and all(len(i) <= 100 for i in ids)  # 10 sides, undecided, 2 actions


async def test_a_skin_toned_thumbs_up_endorses(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, settings_for(fake)) as bot:
        _, [card] = await start(fake, bot, "pause, go faster")
        [thread] = fake.threads()
        await bot.advance(minutes=15)  # into the opening round
        await answer(fake, await fake.send_slash_command(
            "argue", {"text": "Compute is the one lever that can be inspected.", "side": "pause"},
            user=fake.member, channel=thread))
        await bot.settle()
        [argument] = [m for m in fake.messages_in(thread) if title_of(m).startswith("#1 ·")]
        await fake.add_reaction(argument, "👍🏽", user=fake.other_member)
        await eventually(lambda: stored(sqlite_store, fake.guild.id), lambda s: len(s.endorsements) == 1)


async def test_an_interaction_without_its_channel_object_still_starts_in_its_channel(fake, sqlite_store,
                                                                                    clock):
    fake.ctx.channel_object = False  # Discord documents `channel` as optional; `channel_id` is there
    async with Bot(fake, sqlite_store, clock, settings_for(fake)) as bot:
        reply, cards = await start(fake, bot, "pause, go faster")
        assert "has started" in reply.text and len(cards) == 1
    assert (await stored(sqlite_store, fake.guild.id)).debate.channel_id == str(fake.channel.id)
