"""An ideological Turing test round end to end on Discord (Slack: test_itt_slack_e2e.py): the real bot
against the fake, members taking sides on the card, writing another side's case through the round's form,
judging it with the entry's buttons (only its side may), and the pass rate in the results. Assertions read
what the fake recorded and what the store holds."""

from __future__ import annotations

from bot.domain import SpaceRef
from tests import discord_support as ds
from tests.e2e_support import EPOCH
from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)

CASE = "Weights that exist cannot be un-trained, so evaluations have to come before the next training run."


async def judged(store, platform: str, space: str):
    async def read(uow):
        debate = await uow.debate((await uow.space(SpaceRef(platform, space), EPOCH)).id, 1)
        return await uow.itt_ratings(debate.id)

    return await store.transact(read)


async def test_discord_members_write_and_judge_an_itt_entry(fake, sqlite_store, clock):
    carol = fake.add_member("carol")
    alice, bob = fake.member, fake.other_member
    async with ds.Bot(fake, sqlite_store, clock, ds.discord_settings(fake)) as bot:
        started = await ds.answer(fake, await fake.send_slash_command(
            "debate start", {"motion": ds.MOTION, "sides": "pause, go faster", "format": "oxford-itt"},
            user=fake.moderator))
        assert "Debate #1 has started" in started.text
        await bot.settle()
        [card] = [m for m in fake.messages_in(fake.channel) if ds.title_of(m).startswith("Debate #1:")]
        [thread] = fake.threads()
        for member, side in ((alice, "pause"), (carol, "pause"), (bob, "go faster")):
            message = fake.message(card.id)
            clicked = await fake.send_button_click(ds.buttons(message)[side], message, user=member)
            await ds.answer(fake, clicked)
        await bot.advance(minutes=75)  # the opening, then the ITT round
        [announced] = [m for m in fake.messages_in(thread) if ds.title_of(m) == "Debate #1: ITT"]

        # bob (go faster) writes pause's case in the round's form; his own side is refused there
        shown = await fake.wait_for_callback(await fake.send_button_click(
            ds.buttons(announced)["Write another side's case"], announced, user=bob))
        assert shown.json["type"] == ds.MODAL
        own = await ds.answer(fake, await fake.send_modal_submit({"side": "go-faster", "text": CASE},
                                                                 user=bob))
        assert "your own side" in own.text and own.ephemeral
        await fake.wait_for_callback(await fake.send_button_click(
            ds.buttons(announced)["Write another side's case"], announced, user=bob))
        wrote = await ds.answer(fake, await fake.send_modal_submit({"side": "pause", "text": CASE}, user=bob))
        assert "ITT entry #1 (the case for pause)" in wrote.text
        await bot.settle()
        [entry] = [m for m in fake.messages_in(thread) if ds.title_of(m).startswith("ITT entry #1")]
        shown = ds.text_of(fake.message_payload(entry))
        assert CASE in shown and "bob" not in shown.lower()

        async def click(member, label: str):
            button = ds.buttons(fake.message(entry.id))[label]
            return await ds.answer(fake, await fake.send_button_click(button, entry, user=member))

        refused = await click(bob, "Yes, one of us could have")
        assert "your own" in refused.text and refused.ephemeral
        yes = await click(alice, "Yes, one of us could have")
        assert "Recorded for ITT entry #1: yes" in yes.text and yes.ephemeral
        again = await click(alice, "Yes, one of us could have")  # a double click: one answer
        assert "already answered" in again.text
        await click(carol, "No, it misses")
        await click(carol, "Yes, one of us could have")  # carol changes her mind: replaced
        ratings = await judged(sqlite_store, "discord", str(fake.guild.id))
        assert [(r.passed, r.member_side) for r in ratings] == [
            (True, "pause"), (False, "pause"), (True, "pause")]

        await bot.advance(hours=3)  # rebuttal, closing, post-vote: results
        [result] = [m for m in fake.messages_in(thread)
                    if ds.title_of(m).startswith("Ideological Turing test")]
        body = ds.text_of(fake.message_payload(result))
        assert "1 of 1 judged entry passed (100% pass rate)" in body and "Bob (#1)" in body
