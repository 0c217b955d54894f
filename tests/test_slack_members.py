"""What members trip over on Slack (issue 14, items 9, 10, 11, 14, 15): the real bot on slack-bolt against
the strict fake Slack, asserting what a member sees."""

from __future__ import annotations

import pytest

from tests.slack_support import (ALICE, BOB, CAROL, CHANNEL, DAVE, Bot, argument_ts, buttons, click, command,
                                 eventually, fill_form, posts, slack_settings, start_debate, stored, text_of,
                                 title_of)
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)

PARTNER = "T0PARTNER1"  # another company's workspace, sharing the debate channel through Slack Connect
PAT = "U0PAT00001"
BOTH = pytest.mark.parametrize("mode", ["socket", "http"])


async def opened_with_one_argument(fake, bot) -> tuple[str, str]:
    card = await start_debate(fake, bot)
    await bot.advance(minutes=15)
    await command(fake, "/argue", "debate:1 side:pause Weights that exist cannot be un-trained.", ALICE)
    await bot.settle()
    return card, argument_ts(fake, card, 1)


async def test_a_thumbs_up_with_a_skin_tone_endorses(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        _, first = await opened_with_one_argument(fake, bot)
        await fake.add_reaction(BOB, CHANNEL, first, "+1::skin-tone-3")  # as Slack names it
        await fake.add_reaction(CAROL, CHANNEL, first, "thumbsup::skin-tone-6")
        debate = await eventually(lambda: stored(sqlite_store), lambda s: len(s.endorsements) == 2)
        assert sorted(e.member_id for e in debate.endorsements) == [BOB, CAROL]
        await fake.remove_reaction(BOB, CHANNEL, first, "+1::skin-tone-3")
        await eventually(lambda: stored(sqlite_store), lambda s: len(s.endorsements) == 1)


@BOTH
async def test_a_slack_connect_member_argues_votes_and_endorses_in_the_installing_workspace(
        fake, sqlite_store, clock, mode):
    fake.add_user(PAT, "pat", team_id=PARTNER)
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card, first = await opened_with_one_argument(fake, bot)
        said = await fill_form(fake, card, "Add argument", PAT, {
            "text": "A pause only moves the work to labs with fewer safeguards.", "side": "go-faster"})
        assert "Argument #2 (go faster)" in said
        assert "stand with go faster" in await click(fake, card, "go faster", PAT)
        await fake.add_reaction(PAT, CHANNEL, first, "+1")
        debate = await eventually(lambda: stored(sqlite_store), lambda s: s.endorsements)
        assert [(a.number, a.author_id) for a in debate.arguments] == [(1, ALICE), (2, PAT)]
        assert [(e.argument, e.member_id) for e in debate.endorsements] == [(1, PAT)]
        assert [p.member_id for p in debate.positions] == [PAT]  # stored() reads the installing team


@BOTH
async def test_answers_to_buttons_in_a_debate_stay_in_its_thread(fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card, first = await opened_with_one_argument(fake, bot)
        said = await click(fake, card, "Steelman", BOB)  # a public answer
        assert "Steelman" in said
        assert [m.ts for m in posts(fake)] == [card]  # nothing landed at the channel's root
        assert "Steelman" in title_of(posts(fake, card)[-1])
        assert "You agree with #1" in await click(fake, first, "Agree", BOB)  # a private answer
        [private] = [e for e in fake.ephemerals(BOB) if "You agree with" in e.text]
        assert private.thread_ts == card


async def test_a_failure_after_the_ack_is_answered_with_an_apology(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")):
        fake.fail_next("users.info", status=200, error="fatal_error")  # Slack cannot say who DAVE is
        said = await command(fake, "/debate", "list", DAVE)
        assert "Sorry, something went wrong" in said


async def test_a_form_is_acked_in_time_while_member_profiles_are_rate_limited(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        message = fake.world.channels[CHANNEL].find(card)
        mark = fake.mark()
        await fake.click_button(buttons(message)["Add argument"], user=BOB, message_ts=card)
        view = (await fake.wait_for_call("views.open", since=mark, timeout=5.0)).response["view"]
        fake.fail_next("users.info", status=429, retry_after=3)  # Bob's profile: not known yet
        mark = fake.mark()
        submitted = await fake.submit_view(view["callback_id"], view_id=view["id"], user=BOB, state_values={
            "text": {"text": {"type": "plain_text_input", "value": "A pause will never be global."}},
            "side": {"side": {"type": "plain_text_input", "value": "go-faster"}}})
        assert submitted.acked_in_time
        answer = await fake.wait_for_call("chat.postEphemeral", since=mark, timeout=8.0)
        assert "Argument #1" in text_of(answer.params)


async def test_addresses_in_member_text_and_names_never_link_or_unfurl(fake, sqlite_store, clock):
    """Issue 19, item 10: the fixture's `live_links` checks every mrkdwn text the bot sent is verbatim
    when it holds an address, and every post is sent without unfurls; here the address is still shown."""
    fake.add_user("U0LINKY001", "https://evil.example/name \u202eadmin")
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        text = "Compute can be inspected; see https://evil.example/a and <https://evil.example|the results>."
        assert "Argument #1" in await command(fake, "/argue", f"debate:1 side:pause {text}", "U0LINKY001")
        await bot.settle()
        shown = text_of(fake.world.channels[CHANNEL].find(argument_ts(fake, card, 1)))
        assert "https://evil.example/a" in shown and "https://evil.example/name" in shown  # the author
        assert "\u202e" not in shown
        await command(fake, "/steelman", "debate:1", BOB)
        await bot.advance(hours=3)
