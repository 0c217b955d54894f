"""A minimum membership age to vote (`[bot] min_membership_age`): Discord says when a member joined the
server (`joined_at`, passed in the request); Slack has no such field, so there (and on the console) the rule
cannot apply and votes are taken. Through the core, and end to end on Discord."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from bot.domain import Actor, SpaceRef
from bot.handlers import Request
from bot.testing import sqlite_harness
from tests import discord_support as ds
from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)

WEEK = Settings.model_validate({"bot": {"min_membership_age": "7d"}})


async def test_recent_members_may_not_vote_and_an_unknown_date_is_held_against_no_one(tmp_path):
    async with sqlite_harness(tmp_path, WEEK) as h:
        _, thread = await h.start_debate(sides="pause, go faster")
        started = h.chat.posts and await h.say("Maya", '/debate start motion:"Second" sides:"a, b"')
        assert "does not say when members joined, so the minimum membership age" in started.message.text
        now = h.clock.now()

        async def vote(actor: Actor):
            return await h.core.execute_text(Request(SpaceRef("test", "guild-1", "guild-1"), actor, "general",
                                                     thread), "/position side:pause")

        new = await vote(Actor("new", "New", member_since=now - timedelta(days=2, hours=3)))
        assert new.message.kind == "error"
        assert "members vote once they have been here 7 days; you joined 2 days ago" in new.message.text
        assert "You can vote in about 4 days" in new.message.text
        old = await vote(Actor("old", "Old", member_since=now - timedelta(days=30)))
        assert "Recorded: you stand with pause" in old.message.text
        unknown = await vote(Actor("slack", "Slack member"))  # Slack and the console say nothing of it
        assert "Recorded" in unknown.message.text

        async def voters(uow):
            debate = await uow.debate(1, 1)
            return sorted(p.member_id for p in await uow.positions(debate.id))

        assert await h.store.transact(voters) == ["old", "slack"]


async def test_off_by_default(tmp_path):
    async with sqlite_harness(tmp_path) as h:
        _, thread = await h.start_debate(sides="pause, go faster")
        actor = Actor("new", "New", member_since=h.clock.now() - timedelta(minutes=5))
        request = Request(SpaceRef("test", "guild-1", "guild-1"), actor, "general", thread)
        reply = await h.core.execute_text(request, "/position side:pause")
        assert "Recorded" in reply.message.text


async def test_discord_passes_joined_at_and_a_new_member_is_refused_on_the_card(fake, sqlite_store, clock):
    newcomer = fake.add_member("newcomer")
    newcomer.joined_at = (clock.now() - timedelta(hours=20)).isoformat()
    fake.member.joined_at = (clock.now() - timedelta(days=40)).isoformat()
    settings = ds.discord_settings(fake).model_copy(update={"bot": WEEK.bot})
    async with ds.Bot(fake, sqlite_store, clock, settings) as bot:
        started = await ds.answer(fake, await fake.send_slash_command(
            "debate start", {"motion": ds.MOTION, "sides": "pause, go faster"}, user=fake.moderator))
        assert "has started" in started.text
        await bot.settle()
        [card] = [m for m in fake.messages_in(fake.channel) if ds.title_of(m).startswith("Debate #1:")]

        async def click(member):
            message = fake.message(card.id)
            return await ds.answer(fake, await fake.send_button_click(ds.buttons(message)["pause"], message,
                                                                      user=member))

        refused = await click(newcomer)
        assert refused.ephemeral and "you joined 20 hours ago" in refused.text
        assert "stand with pause" in (await click(fake.member)).text
        debate = await ds.stored(sqlite_store, fake.guild.id)
        assert [p.member_id for p in debate.positions] == [str(fake.member.id)]
