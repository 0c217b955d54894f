"""The Slack adapter end to end: the real bot (core, SQLite store, slack-bolt app) against the fake Slack, in
Socket Mode and in HTTP mode, driven the way members and Slack drive it. Assertions read only what the fake
recorded (API calls, response_url posts, deliveries and their acks, the messages it holds) and what the
store holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.catalog import CATALOG
from bot.domain import SpaceRef
from bot.messages import File
from bot.messages import Message as CoreMessage
from tests.fakes.slack_fake import BOT_USER_ID, TEAM_ID, FakeSlack, clear_proxy_env
from tests.fakes.slack_fake.state import Settings as FakeSlackSettings
from tests.slack_support import (ALICE, BOB, CAROL, CHANNEL, DAVE, MAYA, MOTION, OLU,
                                 Bot, argument_ts, buttons, card_text, click, command, eventually, fill_form,
                                 everything_sent, posts, queue_message, slack_env, slack_settings,
                                 start_debate, steady,
                                 stored, text_of, title_of)
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOTH = pytest.mark.parametrize("mode", ["socket", "http"])


# ---- a whole debate ------------------------------------------------------------------------------------


@BOTH
async def test_a_debate_runs_from_card_to_results(fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card = await start_debate(fake, bot)
        assert [title_of(m) for m in posts(fake)] == [f"Debate #1: {MOTION}"]  # one card at top level
        assert list(buttons(fake.world.channels[CHANNEL].find(card))) == [
            "pause", "slow down", "go faster", "Undecided", "Add argument", "Steelman"]
        assert [title_of(m) for m in posts(fake, card)][1:] == ["Debate #1: pre-vote"]  # the thread

        # The pre-vote on the card's buttons; a second click changes nothing.
        assert "stand with pause" in await click(fake, card, "pause", ALICE)
        assert "already stand with pause" in await click(fake, card, "pause", ALICE)
        await click(fake, card, "go faster", BOB)
        await click(fake, card, "Undecided", CAROL)
        await bot.settle()
        assert "pause 1, go faster 1, Undecided 1" in card_text(fake, card)

        await bot.advance(minutes=15)  # the opening round, announced in the thread
        assert title_of(posts(fake, card)[-1]) == "Debate #1: opening"
        assert "#1" in await command(fake, "/argue", "debate:1 side:pause Weights that exist cannot be "
                                     "un-trained, so evaluations must come first.", ALICE)
        assert "Argument #2 (go faster)" in await fill_form(fake, card, "Add argument", BOB, {
            "text": "A unilateral pause only moves frontier work to labs with fewer safeguards.",
            "side": "go-faster"})
        await bot.settle()
        assert [title_of(m) for m in posts(fake, card) if title_of(m).startswith("#")] == [
            "#1 · pause", "#2 · go faster"]

        # Votes: the Agree button is the endorsement (twice: counted once), Disagree, and the :+1: and :-1:
        # reactions, skin tones alike (removed: withdrawn).
        first, second = argument_ts(fake, card, 1), argument_ts(fake, card, 2)
        assert "You agree with #1 (pause). That is also your endorsement." in await click(fake, first, "Agree", BOB)
        assert "You already agree with #1" in await click(fake, first, "Agree", BOB)
        assert "You disagree with #2 (go faster)" in await click(fake, second, "Disagree", ALICE)
        await fake.add_reaction(DAVE, CHANNEL, second, "+1")
        await fake.add_reaction(CAROL, CHANNEL, first, "thumbsup")
        await eventually(lambda: stored(sqlite_store), lambda s: len(s.endorsements) == 3)
        await fake.remove_reaction(CAROL, CHANNEL, first, "thumbsup")
        await eventually(lambda: stored(sqlite_store), lambda s: len(s.endorsements) == 2)
        await fake.add_reaction(CAROL, CHANNEL, first, "-1::skin-tone-4")
        voted = await eventually(lambda: stored(sqlite_store), lambda s: len(s.votes) == 6)
        assert sorted((v.argument, v.member_id, v.vote) for v in voted.votes if v.member_id != CAROL) == [
            (1, BOB, "agree"), (2, ALICE, "disagree"), (2, DAVE, "agree")]
        assert [(v.argument, v.vote) for v in voted.votes if v.member_id == CAROL] == [
            (1, "agree"), (1, "withdrawn"), (1, "disagree")]  # every change kept, in order
        await fake.add_reaction(ALICE, CHANNEL, card, "+1")  # not an argument: ignored

        await bot.advance(hours=2, minutes=30)  # rebuttal and closing rounds; the post-vote opens
        await click(fake, card, "go faster", CAROL)
        await bot.advance(minutes=15)  # the post-vote closes: results

        thread = posts(fake, card)
        titles = [title_of(m) for m in thread]
        assert [t.split(": ")[1] for t in titles if t.startswith("Debate #1: ")][1:] == [
            "pre-vote", "opening", "rebuttal", "closing", "post-vote"]
        # The results, their chart as an image in the thread (a file share), the steelman, the closing notice.
        assert titles[-5:] == [f"Results of debate #1: {MOTION}", "", "Opinion groups · debate #1",
                               "Steelman of debate #1", "Debate #1"]
        assert [f["name"] for f in thread[-4].files] == ["results-chart.png"]
        assert "Undecided → go faster" in text_of(thread[-5])
        assert "Too few votes to find groups" in text_of(thread[-3])  # and what is needed
        assert "The case for" in text_of(thread[-2])
        # Slack threads cannot be closed: the closing notice is the thread's last word, the card says so
        assert "This debate is closed" in text_of(thread[-1])
        assert "closed" in card_text(fake, card) and buttons(fake.world.channels[CHANNEL].find(card)) == {}
        assert [m.ts for m in posts(fake)] == [card]  # everything else stayed in the thread

        debate = await stored(sqlite_store)
        assert debate.debate.phase_name == "closed"
        assert [(a.number, a.side, a.author_id) for a in debate.arguments] == [
            (1, "pause", ALICE), (2, "go-faster", BOB)]
        assert sorted((e.argument, e.member_id) for e in debate.endorsements) == [(1, BOB), (2, DAVE)]
        assert [(p.member_id, p.side) for p in debate.positions] == [
            (ALICE, "pause"), (BOB, "go-faster"), (CAROL, "undecided"), (CAROL, "go-faster")]


UPLOAD_FLOW = ["files.getUploadURLExternal", "files.completeUploadExternal"]


async def test_a_messages_files_are_shared_in_its_thread_through_the_external_upload(fake, sqlite_store,
                                                                                    clock):
    export = File("debate-1.csv", b"side,votes\npause,3\n", "text/csv")
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        await queue_message(sqlite_store, 1, CoreMessage("The export", files=(export,)), in_thread=True)
        await bot.settle()
        assert [c.method for c in fake.calls() if c.method.startswith("files.")] == UPLOAD_FLOW
        complete = fake.calls("files.completeUploadExternal")[0]
        where = (complete.params["channel_id"], complete.params["thread_ts"])
        assert complete.ok and where == (CHANNEL, card)
        [shared] = [m for m in posts(fake, card) if m.files]
        assert shared.files[0]["name"] == "debate-1.csv"
        assert fake.world.files[shared.files[0]["id"]].data == export.data  # the bytes went to the upload URL


async def test_without_files_write_the_message_is_posted_once_and_the_refusal_logged(sqlite_store, clock,
                                                                                   monkeypatch, caplog):
    clear_proxy_env(monkeypatch)
    granted = FakeSlackSettings().scopes - {"files:write"}  # an app installed from an older manifest
    async with FakeSlack(scopes=granted) as fake:
        slack_env(monkeypatch, fake)
        async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
            card = await start_debate(fake, bot)
            export = File("a.csv", b"1", "text/csv")
            await queue_message(sqlite_store, 1, CoreMessage("The export", files=(export,)), in_thread=True)
            await bot.settle()
            await bot.advance(minutes=5)  # a retry would be due by now
            assert [m.text for m in posts(fake, card) if "The export" in m.text] == ["The export"]
            [refusal] = fake.calls("files.getUploadURLExternal")
            assert refusal.response["error"] == "missing_scope" and refusal.response["needed"] == "files:write"
            assert "missing_scope" in caplog.text


# ---- Slack's retries, and requests that are not Slack's ----------------------------------------------------


@BOTH
async def test_an_event_delivered_three_times_is_stored_once(fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        await command(fake, "/argue", "debate:1 side:pause Compute is the one lever that can be inspected.")
        await bot.settle()
        first = argument_ts(fake, card, 1)
        added = {"type": "reaction_added", "user": BOB, "reaction": "+1", "item_user": BOT_USER_ID,
                 "item": {"type": "message", "channel": CHANNEL, "ts": first}, "event_ts": "1700000999.000100"}
        deliveries = await fake.send_event(added, "Ev0ENDORSE1", retries=2)
        assert [d.acked_in_time for d in deliveries] == [True, True, True]
        assert [d.retry_attempt for d in deliveries] == [0, 1, 2]
        await eventually(lambda: stored(sqlite_store), lambda s: len(s.endorsements) == 1)

        # Bob takes it back; a late redelivery of the first event must not bring it back.
        await fake.remove_reaction(BOB, CHANNEL, first, "+1")
        await eventually(lambda: stored(sqlite_store), lambda s: not s.endorsements)
        [late] = await fake.send_event(added, "Ev0ENDORSE1")
        assert late.acked_in_time
        await steady(lambda: stored(sqlite_store), lambda s: not s.endorsements)
        # while a new event from someone else is counted
        await fake.send_event({**added, "user": CAROL}, "Ev0ENDORSE2", retries=1)
        await eventually(lambda: stored(sqlite_store), lambda s: s.endorsements)
        debate = await steady(lambda: stored(sqlite_store), lambda s: len(s.endorsements) == 1)
        assert [(e.argument, e.member_id) for e in debate.endorsements] == [(1, CAROL)]

        # A form submitted twice (a double click on "Post": the same view) adds one argument.
        assert "Argument #2" in await fill_form(fake, card, "Add argument", BOB, {
            "text": "A pause will never be global.", "side": "go-faster"})
        [view] = [c.response["view"] for c in fake.calls("views.open")]
        mark = fake.mark()
        await fake.submit_view(view["callback_id"], view_id=view["id"], user=BOB, state_values={
            "text": {"text": {"type": "plain_text_input", "value": "A pause will never be global."}},
            "side": {"side": {"type": "plain_text_input", "value": "go-faster"}}})
        again = await fake.wait_for_call("chat.postEphemeral", since=mark, timeout=5.0)
        assert "Argument #2" in text_of(again.params)
        await bot.settle()
        assert [a.number for a in (await stored(sqlite_store)).arguments] == [1, 2]
        assert [title_of(m) for m in posts(fake, card) if title_of(m).startswith("#")] == ["#1 · pause",
                                                                                          "#2 · go faster"]


@pytest.mark.parametrize("mode", ["http"])
@pytest.mark.parametrize("forgery", ["bad_signature", "stale_timestamp"])
async def test_requests_not_signed_by_slack_are_refused_and_change_nothing(fake, sqlite_store, clock, mode,
                                                                           forgery):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card = await start_debate(fake, bot)
        mark = fake.mark()
        forged = {forgery: True}
        attempts = [
            await fake.slash_command("/debate", f'start motion:"{MOTION} again"', user=MAYA, **forged),
            await fake.click_button(buttons(fake.world.channels[CHANNEL].find(card))["pause"], user=ALICE,
                                    message_ts=card, **forged),
            *await fake.send_event({"type": "reaction_added", "user": BOB, "reaction": "+1",
                                    "item_user": BOT_USER_ID, "item": {"type": "message", "channel": CHANNEL,
                                                                       "ts": card}, "event_ts": "1.000001"},
                                   retries=1, **forged),
        ]
        assert [d.status for d in attempts] == [401, 401, 401, 401]
        await bot.settle()
        assert fake.calls()[mark:] == [] and len(fake.traffic.responses.items) == 1  # only the real start

    debate = await stored(sqlite_store)
    assert debate.positions == [] and debate.endorsements == []
    async def read(uow):
        space = await uow.space(SpaceRef("slack", TEAM_ID), clock.now())
        return [d.number for d in await uow.debates(space.id)]

    assert await sqlite_store.transact(read) == [1]


# ---- a flaky Slack ---------------------------------------------------------------------------------------


@BOTH
async def test_a_rate_limited_post_is_retried_and_arrives_once(fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        fake.fail_next("chat.postMessage", status=429, retry_after=0)
        card = await start_debate(fake, bot)
        assert [c.status for c in fake.calls("chat.postMessage")][:3] == [429, 200, 200]
        assert [m.ts for m in posts(fake)] == [card]
        assert [title_of(m) for m in posts(fake, card)] == [f"Debate #1: {MOTION}", "Debate #1: pre-vote"]


async def test_a_debate_starts_after_joining_a_public_channel_and_not_in_a_private_one(fake, sqlite_store,
                                                                                     clock):
    """Item 8 and 12: with chat:write.public the card could be posted without joining, but Slack sends
    reaction_added only from channels the app is in; a private channel answers channel_not_found."""
    fake.add_channel("C0PRIVATE1", "hush", is_private=True, is_member=False, members={MAYA, BOB})
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        said = {}
        for channel in ("C0RANDOM01", "C0PRIVATE1"):  # the bot was invited to neither
            since = len(fake.traffic.responses.items)
            await fake.slash_command("/debate", f'start motion:"{MOTION}"', user=MAYA, channel=channel)
            said[channel] = text_of((await fake.wait_for_response(since=since, timeout=5.0)).body)
            await bot.settle()
        assert "has started" in said["C0RANDOM01"]
        assert "/invite @Steelman" in said["C0PRIVATE1"] and "has started" not in said["C0PRIVATE1"]
        [card] = fake.messages("C0RANDOM01")
        assert title_of(card) == f"Debate #1: {MOTION}" and fake.world.channels["C0RANDOM01"].is_member
        assert fake.messages("C0PRIVATE1") == []
        with pytest.raises(AssertionError, match="no debate #2"):
            await stored(sqlite_store, 2)  # nothing was started there
        await bot.advance(minutes=15)
        await fake.slash_command("/argue", "debate:1 side:for Compute can be inspected.", user=ALICE,
                                 channel="C0RANDOM01")
        await bot.settle()
        [argument] = [m for m in fake.messages("C0RANDOM01", thread_ts=card.ts) if title_of(m).startswith("#1")]
        await fake.add_reaction(BOB, "C0RANDOM01", argument.ts, "+1")  # delivered: the bot is in it now
        await eventually(lambda: stored(sqlite_store), lambda s: len(s.endorsements) == 1)


@pytest.mark.parametrize("abrupt", [False, True], ids=["refresh-requested", "dropped"])
async def test_a_socket_mode_disconnect_reconnects_without_losing_an_event(fake, sqlite_store, clock, abrupt):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        assert "stand with pause" in await click(fake, card, "pause", ALICE)

        old = await fake.socket_disconnect(send_message=not abrupt)
        pending = await fake.click_button(buttons(fake.world.channels[CHANNEL].find(card))["go faster"],
                                          user=BOB, message_ts=card, wait_ack=False)  # while it reconnects
        assert await pending.wait_ack(timeout=5.0)
        assert pending.connections[-1] > old.number and not old.is_open
        assert "stand with go faster" in text_of((await fake.wait_for_response(
            lambda r: "go faster" in text_of(r.body), timeout=5.0)).body)
        assert "stand with Undecided" in await click(fake, card, "Undecided", CAROL)  # and carries on
        await bot.settle()
        assert "pause 1, go faster 1, Undecided 1" in card_text(fake, card)

    debate = await stored(sqlite_store)
    assert [(p.member_id, p.side) for p in debate.positions] == [
        (ALICE, "pause"), (BOB, "go-faster"), (CAROL, "undecided")]


# ---- answering at any length, privately, without pings ---------------------------------------------------

LONG_POINTS = [
    (ALICE, "pause", "Interpretability research has not caught up with capability, so every larger run widens "
     "the gap"),
    (BOB, "pause", "Weights that exist cannot be recalled; an irreversible release deserves an evaluation first"),
    (CAROL, "go-faster", "Red teaming, evaluations and transparency should keep pace rather than halt frontier "
     "labs"),
    (DAVE, "go-faster", "A pause will never be global; unilateral restraint hands the frontier to careless "
     "actors"),
    (MAYA, "slow-down", "Chips are physical, countable and inspectable, which buys room for a real safety tax"),
    (OLU, "slow-down", "Test remote shutdown and data centre enforcers early, for short periods, before "
     "relying"),
]


@BOTH
async def test_an_over_long_steelman_arrives_within_block_kit_limits(fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        for user, side, point in LONG_POINTS:
            text = " ".join([point + "."] * 14)
            assert "Argument #" in await command(fake, "/argue", f"debate:1 side:{side} {text}", user)
        await bot.settle()

        shown = await command(fake, "/steelman", "debate:1", ALICE)
        assert len(shown) > 6000 and all(point in shown for _, _, point in LONG_POINTS)  # nothing lost
        await bot.advance(hours=3)  # to the results, with the steelman in the thread
        [steelman] = [m for m in posts(fake, card) if title_of(m) == "Steelman of debate #1"]
        posted = "\n".join(text_of(m) for m in posts(fake, card) if m.ts >= steelman.ts)
        assert all(point in posted for _, _, point in LONG_POINTS)
        for call in fake.calls("chat.postMessage") + fake.calls("chat.update"):
            blocks = json.loads(call.params["blocks"]) if isinstance(call.params.get("blocks"), str) \
                else call.params.get("blocks") or []
            assert len(blocks) <= 50 and len(call.params["text"]) <= 40000
            assert all(len((b.get("text") or {}).get("text", "")) <= 3000 for b in blocks)


@BOTH
async def test_members_are_refused_privately_and_nothing_the_bot_sends_can_ping(fake, sqlite_store, clock, mode):
    fake.add_user("U0EVIL0001", "<!channel> everyone")  # a display name is user text too
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card = await start_debate(fake, bot)

        refused_next = await command(fake, "/debate", "next debate:1", ALICE)
        assert "/debate next is for moderators only" in refused_next
        [private] = [e for e in fake.ephemerals(ALICE) if "moderators only" in e.text]
        assert private.source == "response_url"
        assert not any("moderators only" in text_of(m) for m in fake.messages(CHANNEL))
        assert (await stored(sqlite_store)).debate.phase_name == "pre-vote"
        assert "extended by 5 min" in await command(fake, "/debate", "extend debate:1 minutes:5", OLU)

        await bot.advance(minutes=20)
        pings = ("<!channel> <!here> <!everyone> <@U0BOB00001> <!subteam^S0MODS0001|@mods> <@W0ENTERPRS> "
                 "<#C0DEBATE01> <https://evil.example|docs> @channel @here @everyone <@&1> <t:1700000000:R>")
        assert "Argument #1" in await command(fake, "/argue", f"debate:1 side:pause {pings} look: compute is "
                                              "inspectable.", "U0EVIL0001")
        assert "Argument #2" in await fill_form(fake, card, "Add argument", BOB, {
            "text": f"{pings} A pause will not be global.", "side": "go-faster"})
        await bot.settle()
        shown = text_of(fake.world.channels[CHANNEL].find(argument_ts(fake, card, 1)))
        assert "compute is inspectable" in shown and "channel" in shown  # shown, defused
        assert (await stored(sqlite_store)).arguments[0].text.startswith(pings)  # stored as typed
        await command(fake, "/steelman", "debate:1", BOB)
        assert len(everything_sent(fake)) > 10  # the fixture checks every one of them for pings

    debate = await stored(sqlite_store)
    assert [a.author_id for a in debate.arguments] == ["U0EVIL0001", BOB]


# ---- the command line ---------------------------------------------------------------------------------------


def bot_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("STEELMAN", "SLACK", "DISCORD"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**environ, **(env or {})}, timeout=60)


def test_the_manifest_lists_every_slash_command_of_the_catalog():
    from adapters.slack.manifest import slack_name

    done = bot_cli("slack", "manifest")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    listed = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    slash = [c for c in CATALOG if not c.button_only]  # "steelman rate" is reached by its buttons
    assert set(listed) == {slack_name(c.path[0]) for c in slash}
    assert "/remind" not in listed and "/debate-remind" in listed  # Slack's own /remind is not ours to take
    for c in slash:
        entry = listed[slack_name(c.path[0])]
        assert len(entry["description"]) <= 100 and "url" not in entry  # Socket Mode: no request URL
        if len(c.path) > 1:
            assert c.path[1] in entry["usage_hint"].split(" ")[0].split("|")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert {"reaction_added", "reaction_removed"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])
    # exactly what the fake grants an installed app, so every call the bot makes is allowed
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == FakeSlackSettings().scopes

    url = "https://debates.example.org/slack/events"
    done = bot_cli("slack", "manifest", "--request-url", url, env={"STEELMAN__SLACK__MODE": "http"})
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {url}
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["socket_mode_enabled"] is False


@pytest.mark.parametrize("mode, missing", [("socket", "SLACK_BOT_TOKEN"), ("http", "SLACK_SIGNING_SECRET")])
def test_run_with_slack_enabled_but_no_token_names_the_setting(tmp_path, mode, missing):
    env = {"STEELMAN__SLACK__ENABLED": "true", "STEELMAN__SLACK__MODE": mode,
           "STEELMAN__STORAGE__URL": f"sqlite:///{tmp_path / 'steelman.db'}"}
    if missing != "SLACK_BOT_TOKEN":
        env["SLACK_BOT_TOKEN"] = "xoxb-present"
    done = bot_cli("run", env=env)
    setting = {"SLACK_BOT_TOKEN": "slack.bot_token_env", "SLACK_SIGNING_SECRET": "slack.signing_secret_env"}
    assert done.returncode != 0 and setting[missing] in done.stderr and missing in done.stderr


@BOTH
async def test_a_mistake_in_a_form_keeps_the_form_open_with_the_members_text(fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        message = fake.world.channels[CHANNEL].find(card)
        mark = fake.mark()
        await fake.click_button(buttons(message)["Add argument"], user=BOB, channel=CHANNEL, message_ts=card)
        view = (await fake.wait_for_call("views.open", since=mark, timeout=5.0)).response["view"]
        mark = fake.mark()
        submitted = await fake.submit_view(view["callback_id"], view_id=view["id"], user=BOB, state_values={
            "text": {"text": {"type": "plain_text_input", "value": "x" * 1501}},
            "side": {"side": {"type": "plain_text_input", "value": "go-faster"}}})
        assert submitted.acked_in_time
        answer = submitted.ack_payload if mode == "socket" else submitted.json
        assert answer["response_action"] == "errors"
        assert "limit is 1,500" in answer["errors"]["text"]
        assert [c.method for c in fake.traffic.calls.items[mark:] if c.method == "chat.postEphemeral"] == []
        assert (await stored(sqlite_store)).arguments == []


# ---- "does this capture your view?" ---------------------------------------------------------------------


@BOTH
async def test_members_rate_a_sides_steelman_with_its_star_buttons_and_the_results_show_it(
        fake, sqlite_store, clock, mode):
    async with Bot(fake, sqlite_store, clock, slack_settings(mode)) as bot:
        card = await start_debate(fake, bot)
        for who, label in ((ALICE, "pause"), (CAROL, "pause"), (BOB, "go faster")):
            await click(fake, card, label, who)
        await bot.advance(minutes=15)
        for who, side, text in (
                (ALICE, "pause", "Weights that exist cannot be un-trained, so evaluations must come first."),
                (CAROL, "pause", "Compute thresholds are verifiable through chip supply chains, which makes a "
                                 "pause enforceable."),
                (BOB, "go-faster", "A unilateral pause only moves frontier work to labs with fewer safeguards.")):
            assert "Argument #" in await command(fake, "/argue", f"debate:1 side:{side} {text}", who)
        await command(fake, "/steelman", "debate:1", MAYA)
        await bot.settle()
        [shown] = [m for m in fake.messages(CHANNEL) if title_of(m) == "Steelman of debate #1"]
        assert [label for label in buttons(shown) if label.startswith("pause")] == [
            "pause 1★", "pause 2★", "pause 3★", "pause 4★", "pause 5★"]

        assert "captures your view: 4/5" in await click(fake, shown.ts, "pause 4★", ALICE)
        assert "captures your view: 5/5" in await click(fake, shown.ts, "pause 5★", CAROL)
        assert "fair to that side: 3/5" in await click(fake, shown.ts, "pause 3★", BOB)
        assert "captures your view: 5/5" in await click(fake, shown.ts, "pause 5★", ALICE)  # the latest counts
        await command(fake, "/debate", "close debate:1", MAYA)
        await bot.settle()

        [closing] = [m for m in posts(fake, card) if title_of(m) == "Steelman of debate #1"]
        assert "The pause side rated its steelman 5.0/5, n = 2" in text_of(closing)
        assert "other sides rated it fair to them 3.0/5, n = 1" in text_of(closing)
