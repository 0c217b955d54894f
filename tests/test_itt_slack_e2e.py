"""An ideological Turing test round end to end on Slack, in Socket Mode and over HTTP: the real bot against
the fake Slack, members taking sides on the card, writing another side's case in the round's form,
judging it with the entry's buttons (only its side may), and the pass rate in the results."""

from __future__ import annotations

import pytest

from bot.domain import SpaceRef
from tests.e2e_support import EPOCH
from tests.fakes.slack_fake import TEAM_ID
from tests.slack_support import (ALICE, BOB, CAROL, CHANNEL, MAYA, MOTION, Bot, click, command, fill_form,
                                 posts, slack_settings, text_of, title_of)
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)

CASE = "Weights that exist cannot be un-trained, so evaluations have to come before the next training run."


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_slack_members_write_and_judge_an_itt_entry(fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        started = await command(fake, "/debate", f'start motion:"{MOTION}" sides:"pause, go faster" '
                                "format:oxford-itt", MAYA)
        assert "Debate #1 has started" in started
        await bot.settle()
        [card] = [m.ts for m in posts(fake) if title_of(m).startswith("Debate #1:")]
        for user, side in ((ALICE, "pause"), (CAROL, "pause"), (BOB, "go faster")):
            await click(fake, card, side, user)
        await bot.advance(minutes=75)  # the opening, then the ITT round
        [announced] = [m.ts for m in posts(fake, card) if title_of(m) == "Debate #1: ITT"]

        wrote = await fill_form(fake, announced, "Write another side's case", BOB,
                                {"side": "pause", "text": CASE})
        assert "ITT entry #1 (the case for pause)" in wrote
        undecided = await command(fake, "/itt", f'write debate:1 side:go-faster text:"{CASE}"', MAYA)
        assert "hold no side" in undecided
        await bot.settle()
        [entry] = [m for m in posts(fake, card) if title_of(m).startswith("ITT entry #1")]
        assert CASE in text_of(entry) and BOB not in str(entry.blocks)

        assert "your own" in await click(fake, entry.ts, "Yes, one of us could have", BOB)
        yes = await click(fake, entry.ts, "Yes, one of us could have", ALICE)
        assert "Recorded for ITT entry #1: yes" in yes
        assert "already answered" in await click(fake, entry.ts, "Yes, one of us could have", ALICE)
        assert "Recorded for ITT entry #1: no" in await click(fake, entry.ts, "No, it misses", CAROL)
        # the console's words work in Slack too: carol changes her answer
        changed = await command(fake, "/itt", "rate debate:1 entry:1 verdict:yes", CAROL)
        assert "earlier answer is replaced" in changed

        async def read(uow):
            debate = await uow.debate((await uow.space(SpaceRef("slack", TEAM_ID), EPOCH)).id, 1)
            return await uow.itt_ratings(debate.id)

        ratings = await sqlite_store.transact(read)
        assert [(r.member_id, r.passed) for r in ratings] == [(ALICE, True), (CAROL, False), (CAROL, True)]

        await bot.advance(hours=3)  # rebuttal, closing, post-vote: results
        [result] = [m for m in posts(fake, card) if title_of(m).startswith("Ideological Turing test")]
        assert "1 of 1 judged entry passed (100% pass rate)" in text_of(result)
        assert fake.world.channels[CHANNEL].find(card) is not None
