"""The Discord adapter end to end: the real bot (core, SQLite store, discord.py client) against the fake
Discord, driven the way members and Discord drive it. Assertions read only what the fake recorded (the
requests the bot made, the messages it holds) and what the store holds."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlparse

import pytest

from adapters.discord.invite import permissions as invite_permissions
from bot.steelman import Extractive
from bot.messages import File, Message
from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import (EPHEMERAL, MODAL, MOTION, Bot, answer, buttons, could_ping,
                                   discord_settings, eventually, message_bodies, offline, queue_message,
                                   stored, text_of, title_of)
from tests.fakes.discord_fake import PRIVILEGED, FakeDiscord, Perm

SIDES = "pause, slow down, go faster"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))




@pytest.fixture
def settings(fake):
    return discord_settings(fake, moderator_roles=["Debate host"])


async def start_debate(fake: FakeDiscord, bot: Bot):
    """A moderator starts a debate; returns its card and its thread once the bot has posted them."""
    started = await answer(fake, await fake.send_slash_command(
        "debate start", {"motion": MOTION, "sides": SIDES, "format": "oxford"}, user=fake.moderator))
    assert "Debate #1 has started" in started.text and started.ephemeral
    await bot.settle()
    [card] = [m for m in fake.messages_in(fake.channel) if title_of(m).startswith("Debate #1:")]
    [thread] = fake.threads()
    return card, thread


async def click(fake: FakeDiscord, message, label: str, user) -> str:
    """A member clicks the button labelled `label`; returns the text the bot answered with."""
    message = fake.message(message.id)  # as it is now (the bot may have edited it)
    return (await answer(fake, await fake.send_button_click(buttons(message)[label], message, user=user))).text


async def fill_form(fake: FakeDiscord, message, label: str, user, values: dict) -> str:
    """A member clicks a button that opens a form, fills it in and submits it; returns the bot's answer."""
    shown = await fake.wait_for_callback(await fake.send_button_click(buttons(message)[label], message, user=user))
    assert shown.json["type"] == MODAL
    return (await answer(fake, await fake.send_modal_submit(values, user=user))).text


async def argue(fake: FakeDiscord, thread, user, text: str, **options) -> str:
    reply = await answer(fake, await fake.send_slash_command("argue", {"text": text, **options}, user=user,
                                                             channel=thread))
    return reply.text


def argument_message(fake: FakeDiscord, thread, number: int):
    [message] = [m for m in fake.messages_in(thread) if title_of(m).startswith(f"#{number} ·")]
    return message


def card_field(fake: FakeDiscord, card, name: str) -> str:
    fields = fake.message(card.id).embeds[0]["fields"]
    return next(f["value"] for f in fields if f["name"] == name)


# ---- starting up -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dev", [True, False], ids=["dev-guilds", "global"])
async def test_commands_from_the_catalog_are_synced_on_start(fake, sqlite_store, clock, dev):
    settings = discord_settings(fake, dev_guilds=[fake.guild.id] if dev else [])
    async with Bot(fake, sqlite_store, clock, settings):
        commands = fake.commands(fake.guild.id if dev else None)
        assert fake.commands(None if dev else fake.guild.id) == {}  # one scope only
        assert set(commands) == {"debate", "argue", "rebut", "endorse", "position", "steelman", "history", "help",
                                 "export", "audit", "leaderboard", "credit", "argument", "forget-me", "schedule",
                                 "motion", "steelman-engine", "remind", "vote", "groups", "itt", "restatement"}
        # ("steelman rate" is reached by its buttons)
        vote = {o["name"]: o for o in commands["vote"]["options"]}
        assert [c["value"] for c in vote["vote"]["choices"]] == ["agree", "disagree", "pass", "withdraw"]
        debate = {o["name"]: o for o in commands["debate"]["options"]}
        assert set(debate) == {"start", "status", "list", "next", "extend", "close", "cancel"}
        start = {o["name"]: o for o in debate["start"]["options"]}
        assert [c["value"] for c in start["format"]["choices"]] == ["oxford", "oxford-itt", "quick"]
        argue = {o["name"]: o for o in commands["argue"]["options"]}
        assert argue["text"]["type"] == 3 and argue["text"]["required"] and argue["text"]["max_length"] == 1500
        assert argue["side"]["autocomplete"] and argue["debate"]["autocomplete"] and argue["debate"]["type"] == 4
        [identify] = fake.frames("received", op=2)
        assert identify.d["intents"] & PRIVILEGED == 0  # and the fake's portal grants none: 4014 otherwise


async def test_a_process_can_run_one_shard_of_a_sharded_bot(fake, sqlite_store, clock):
    shard = (fake.guild.id >> 22) % 2  # Discord's rule for which of 2 shards serves a guild
    settings = discord_settings(fake, shard_count=2, shard_ids=[shard])
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        assert [f.d["shard"] for f in fake.frames("received", op=2)] == [[shard, 2]]
        card, thread = await start_debate(fake, bot)
        assert "stand with pause" in await click(fake, card, "pause", fake.member)


# ---- a whole debate ------------------------------------------------------------------------------------


async def test_a_debate_runs_from_card_to_results(fake, sqlite_store, clock, settings):
    # The bot holds exactly the permissions its invite link asks for, and nothing more.
    bot_role = fake.guild.roles[fake.guild.members[fake.bot_user.id].role_ids[0]]
    bot_role.permissions = invite_permissions().value
    fake.guild.roles[fake.guild.id].permissions = 0
    carol, dave = fake.add_member("carol"), fake.add_member("dave")
    alice, bob, maya = fake.member, fake.other_member, fake.moderator
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        card, thread = await start_debate(fake, bot)
        assert thread.id == card.id and thread.name.startswith("Debate #1: Frontier AI labs")
        assert list(buttons(card)) == ["pause", "slow down", "go faster", "Undecided", "Add argument", "Steelman"]
        assert [title_of(m) for m in fake.messages_in(thread)] == ["Debate #1: pre-vote"]

        # The pre-vote, on the card's buttons; a second click changes nothing.
        assert "stand with pause" in await click(fake, card, "pause", alice)
        assert "already stand with pause" in await click(fake, card, "pause", alice)
        await click(fake, card, "go faster", bob)
        await click(fake, card, "Undecided", carol)
        await bot.settle()
        assert card_field(fake, card, "Positions") == "pause 1, go faster 1, Undecided 1"

        # Autocomplete offers this community's debates and the debate's sides.
        typing = await fake.send_autocomplete("argue", {"debate": "1"}, focused="debate", user=alice)
        choices = (await fake.wait_for_callback(typing)).json["data"]["choices"]
        assert [c["value"] for c in choices] == [1] and choices[0]["name"].startswith("#1 Frontier")
        typing = await fake.send_autocomplete("position", {"side": "go"}, focused="side", user=alice,
                                              channel=thread)
        assert (await fake.wait_for_callback(typing)).json["data"]["choices"] == [
            {"name": "go-faster", "value": "go-faster"}]

        await bot.advance(minutes=15)  # the opening round
        assert title_of(fake.messages_in(thread)[-1]) == "Debate #1: opening"
        assert "#1" in await argue(fake, thread, alice, "Weights that exist cannot be un-trained, so evaluations "
                                   "must come first. @everyone")
        assert "Argument #2 (go faster)" in await fill_form(fake, card, "Add argument", bob, {
            "text": "A unilateral pause only moves frontier work to labs with fewer safeguards.",
            "side": ["go-faster"]})
        assert "Argument #3 (slow down)" in await fill_form(fake, card, "Add argument", carol, {
            "text": "A coordinated, smaller next training run is not a unilateral pause.",
            "side": ["slow-down"], "argument": "2"})  # the form's optional number makes it a rebuttal
        await bot.settle()
        assert title_of(argument_message(fake, thread, 3)) == "#3 · slow down (rebuts #2)"

        # Votes: the Agree button is the endorsement (twice: counted once); Disagree and Pass; the 👍 and
        # 👎 reactions, skin tones alike (removed: withdrawn).
        first = argument_message(fake, thread, 1)
        assert list(buttons(first)) == ["Agree", "Disagree", "Pass", "Rebut"]
        assert "You agree with #1 (pause). That is also your endorsement." in await click(fake, first, "Agree", bob)
        assert "You already agree with #1" in await click(fake, first, "Agree", bob)
        assert "You disagree with #2 (go faster)" in await click(fake, argument_message(fake, thread, 2),
                                                                 "Disagree", alice)
        assert "You pass on #3" in await click(fake, argument_message(fake, thread, 3), "Pass", alice)
        await fake.add_reaction(argument_message(fake, thread, 2), "👍", user=dave)
        await fake.add_reaction(first, "👍", user=carol)
        await eventually(lambda: stored(sqlite_store, fake.guild.id),
                         lambda s: len(s.endorsements) == 3)
        await fake.remove_reaction(first, "👍", user=carol)
        await eventually(lambda: stored(sqlite_store, fake.guild.id),
                         lambda s: len(s.endorsements) == 2)
        await fake.add_reaction(first, "👎🏽", user=carol)
        voted = await eventually(lambda: stored(sqlite_store, fake.guild.id),
                                 lambda s: len(s.votes) == 7)
        assert sorted((v.argument, v.member_id, v.vote) for v in voted.votes if v.member_id != str(carol.id)) == [
            (1, str(bob.id), "agree"), (2, str(alice.id), "disagree"), (2, str(dave.id), "agree"),
            (3, str(alice.id), "pass")]
        assert [(v.argument, v.vote) for v in voted.votes if v.member_id == str(carol.id)] == [
            (1, "agree"), (1, "withdrawn"), (1, "disagree")]  # every change kept, in order
        await fake.remove_reaction(first, "👍", user=dave)  # no 👍 of his there: nothing to take back

        await bot.advance(hours=2, minutes=30)  # rebuttal and closing rounds; the post-vote opens
        await click(fake, card, "go faster", carol)
        steelman = await answer(fake, await fake.send_slash_command("steelman", {}, user=maya, channel=thread))
        assert steelman.deferred and not steelman.ephemeral and "The case for go faster" in steelman.text
        await bot.advance(minutes=15)  # the post-vote closes: results

        posts = [m for m in fake.messages_in(thread) if not m.ephemeral]
        titles = [title_of(m) for m in posts]
        assert [t.split(": ")[1] for t in titles if t.startswith("Debate #1: ")] == [
            "pre-vote", "opening", "rebuttal", "closing", "post-vote"]
        assert titles[-4:] == [f"Results of debate #1: {MOTION}", "Opinion groups · debate #1",
                               "Steelman of debate #1", "Debate #1"]
        results = text_of(posts[-4])
        assert "go faster" in results and "Undecided → go faster" in results
        # four members voted on arguments, too few to find groups: the results say so, and what is needed
        assert "Too few votes to find groups: 1 of 4 voting members voted on at least 3 of the 3 arguments" in \
            text_of(posts[-3])
        assert card_field(fake, card, "Now") == "closed" and buttons(fake.message(card.id)) == {}
        # The closing notice closes the thread: archived; not locked, as the invite asks no Manage Threads.
        assert "This debate is closed" in text_of(posts[-1])
        assert (thread.archived, thread.locked) == (True, False)

        debate = await stored(sqlite_store, fake.guild.id)
        assert debate.debate.phase_name == "closed"
        assert [(a.number, a.side, a.rebuts) for a in debate.arguments] == [
            (1, "pause", None), (2, "go-faster", None), (3, "slow-down", 2)]
        assert sorted((e.argument, e.member_id) for e in debate.endorsements) == [
            (1, str(bob.id)), (2, str(dave.id))]
        assert [(p.member_id, p.side) for p in debate.positions] == [
            (str(alice.id), "pause"), (str(bob.id), "go-faster"), (str(carol.id), "undecided"),
            (str(carol.id), "go-faster")]
        assert not any(fake.message_payload(m)["mention_everyone"] for m in fake.messages_in(thread))


async def test_a_closed_debate_locks_its_thread_when_the_bot_may_manage_threads(fake, sqlite_store, clock,
                                                                               settings):
    async with Bot(fake, sqlite_store, clock, settings) as bot:  # the fake's bot role has Manage Threads
        _, thread = await start_debate(fake, bot)
        closed = await answer(fake, await fake.send_slash_command("debate close", {"debate": 1},
                                                                  user=fake.moderator))
        assert "closed" in closed.text
        await bot.settle()
        assert "This debate is closed" in text_of(fake.messages_in(thread)[-1])
        assert (thread.archived, thread.locked) == (True, True)
        [close] = fake.requests("PATCH", f"/channels/{thread.id}")
        assert close.json == {"archived": True, "locked": True}


async def test_a_messages_files_are_sent_as_attachments_within_discords_cap(fake, sqlite_store, clock,
                                                                             settings):
    chart = File("chart.png", b"\x89PNG" + b"0" * 60, "image/png")
    export = File("debate-1.csv", b"x" * (10 * 1024 * 1024 + 1), "text/csv")  # over the 10 MiB cap
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        _, thread = await start_debate(fake, bot)
        await queue_message(sqlite_store, fake.guild.id, 1, Message("The export", files=(chart, export)),
                            in_thread=True)
        await bot.settle()
        [posted] = [m for m in fake.messages_in(thread) if "The export" in text_of(m)]
        assert [(a["filename"], a["size"]) for a in posted.attachments] == [("chart.png", 64)]
        assert "Too large to attach here: debate-1.csv" in posted.content  # said, not silently dropped
        [call] = [c for c in fake.requests("POST", f"/channels/{thread.id}/messages") if c.files]
        assert call.files == ("chart.png",) and call.ok


# ---- a flaky connection ---------------------------------------------------------------------------------


async def test_a_dropped_gateway_resumes_and_counts_replayed_events_once(fake, sqlite_store, clock, settings):
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        card, thread = await start_debate(fake, bot)
        await click(fake, card, "pause", fake.member)
        await bot.advance(minutes=15)
        await argue(fake, thread, fake.member, "Compute is the one lever that can be inspected.")
        await bot.settle()

        async with offline(fake):  # members carry on while the bot is disconnected
            vote = await fake.send_button_click(buttons(card)["go faster"], card, user=fake.other_member)
            post = await fake.send_slash_command("argue", {"text": "A pause is not global."},
                                                 user=fake.other_member, channel=thread)
            await fake.add_reaction(argument_message(fake, thread, 1), "👍", user=fake.other_member)
        await fake.wait_for_frame(direction="sent", t="RESUMED")
        assert "stand with go faster" in (await answer(fake, vote)).text
        assert "Argument #2" in (await answer(fake, post)).text
        # Discord delivers the same interaction again: it is recognised by its id and not run twice.
        await fake.dispatch("INTERACTION_CREATE", fake.interaction(post.id).payload)
        await fake.wait_for_request(lambda c: c.status == 400, method="POST",
                                    path=f"/interactions/{post.id}/*/callback")
        await bot.settle()

        debate = await eventually(lambda: stored(sqlite_store, fake.guild.id), lambda s: s.endorsements)
        assert [a.number for a in debate.arguments] == [1, 2]
        assert [(e.argument, e.member_id) for e in debate.endorsements] == [(1, str(fake.other_member.id))]
        assert [p.side for p in debate.positions] == ["pause", "go-faster"]
        assert [title_of(m) for m in fake.messages_in(thread) if title_of(m).startswith("#")] == [
            "#1 · pause", "#2 · go faster"]
        assert card_field(fake, card, "Positions") == "pause 1, go faster 1"
        assert card_field(fake, card, "Arguments") == "2"
        assert len(fake.frames("received", op=2)) == 1  # resumed, never identified again


async def test_a_rate_limited_send_is_retried_after_retry_after_and_arrives_once(fake, sqlite_store, clock,
                                                                                  settings):
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        fake.rate_limit("POST", f"/channels/{fake.channel.id}/messages", retry_after=0.1)
        fake.rate_limit("POST", "/channels/*/messages/*/threads", retry_after=0.1)
        card, thread = await start_debate(fake, bot)
        posts = fake.requests("POST", f"/channels/{fake.channel.id}/messages")
        assert [c.status for c in posts] == [429, 200] and posts[1].at - posts[0].at >= 0.09
        assert [c.status for c in fake.requests("POST", "/channels/*/messages/*/threads")] == [429, 200]
        assert [m.id for m in fake.messages_in(fake.channel) if not m.ephemeral] == [card.id]
        assert [t.id for t in fake.threads()] == [thread.id]


# ---- answering in time, at any length, privately, without pings -----------------------------------------


class SlowSteelman(Extractive):
    """A summary engine that computes for longer than Discord waits for an acknowledgement."""

    def summarize(self, arguments, sides, per_side=3):
        time.sleep(0.8)  # CPU-bound work holds the event loop, like a large debate would
        return super().summarize(arguments, sides, per_side)


LONG_POINTS = [
    ("pause", "Interpretability research has not caught up with capability, so every larger run widens the gap"),
    ("pause", "Weights that exist cannot be recalled; an irreversible release deserves an evaluation first"),
    ("go-faster", "Red teaming, evaluations and transparency should keep pace rather than halt frontier labs"),
    ("go-faster", "A pause will never be global; unilateral restraint hands the frontier to careless actors"),
    ("slow-down", "Chips are physical, countable and inspectable, which buys room for a real safety tax"),
    ("slow-down", "Test remote shutdown and data centre enforcers early, for short periods, before relying"),
]


async def test_a_slow_steelman_is_deferred_in_time_and_its_long_answer_arrives_split(fake, sqlite_store, clock,
                                                                                     settings):
    members = [fake.member, fake.other_member] + [fake.add_member(n) for n in ("carol", "dave", "erin", "finn")]
    async with Bot(fake, sqlite_store, clock, settings, summarizer=SlowSteelman()) as bot:
        _, thread = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        for member, (side, point) in zip(members, LONG_POINTS):
            await argue(fake, thread, member, " ".join([point + "."] * 14), side=side)
        fake.ack_deadline = 0.5  # shorter than the engine takes: only a deferral can be in time

        asked = await fake.send_slash_command("steelman", {}, user=fake.member, channel=thread)
        reply = await answer(fake, asked)
        assert reply.deferred and not reply.ephemeral  # acknowledged in time, "thinking..." for all to see
        edit = fake.requests("PATCH", f"/webhooks/{fake.app_id}/{asked.token}/messages/@original")[0]
        assert edit.at - reply.callback.at >= 0.75  # the steelman itself came later, into the same reply
        await fake.wait_for_request(method="POST", path=f"/webhooks/{fake.app_id}/{asked.token}")
        [more] = fake.requests("POST", f"/webhooks/{fake.app_id}/{asked.token}")  # the rest, as a followup
        assert more.ok and len(reply.text) + len(text_of(more.json)) > 6000  # too long for one message
        shown = reply.text + "\n" + text_of(more.json)
        assert all(point in shown for _, point in LONG_POINTS)  # split, nothing lost


async def test_the_argument_form_is_one_discord_accepts_on_the_lowest_discord_py_allowed(
        fake, sqlite_store, clock, settings):
    """Item 4: the form's side select is optional (the core may take the member's side), so it has
    min_values 0. Discord refuses that unless the select says `required: false`, which discord.py sends
    from 2.6.3 on (2.6.0-2.6.2 leave it out); .ci/run runs this module again on the floor version."""
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        card, _ = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        shown = await fake.wait_for_callback(await fake.send_button_click(buttons(card)["Add argument"], card,
                                                                          user=fake.member))
        assert shown.ok, f"Discord refused the form: {shown.status} {shown.response}"
        [side] = [c["component"] for c in shown.json["data"]["components"]
                  if c.get("component", {}).get("custom_id") == "side"]
        assert side["min_values"] == 0 and side["required"] is False


def hold_the_database(path, seconds: float) -> None:
    """Another writer holds the SQLite file for a while: the bot's command waits for it (off the event loop),
    longer than the 2 seconds after which the adapter defers."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    asyncio.get_running_loop().call_later(seconds, lambda: (other.rollback(), other.close()))


async def test_a_fallback_deferral_keeps_the_visibility_the_command_asked_for(
        fake, sqlite_store, clock, settings, tmp_path):
    """Item 7: a command deferred because it took over 2 s answers as it would have in time: a private
    answer stays private (flags 64 on the deferral itself), a public one is posted for all to see."""
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        _, thread = await start_debate(fake, bot)
        hold_the_database(tmp_path / "steelman.db", 2.6)
        asked = await fake.send_slash_command("position", {"side": "pause"}, user=fake.member, channel=thread)
        reply = await answer(fake, asked, timeout=8)
        assert reply.deferred and reply.callback.json["data"]["flags"] & EPHEMERAL  # private from the start
        assert "pause" in reply.text
        assert not any("pause" in text_of(fake.message_payload(m)) for m in fake.messages_in(thread)
                       if not m.ephemeral and m.author.id != fake.bot_user.id)

        hold_the_database(tmp_path / "steelman.db", 2.6)
        since = len(fake.requests())
        chosen = await fake.send_slash_command("steelman-engine", {"use": "extractive"}, user=fake.moderator,
                                               channel=thread)
        callback = await fake.wait_for_callback(chosen, timeout=8)
        assert callback.json["type"] == 5  # deferred: the store was busy
        public = await fake.wait_for_request(method="POST", path=f"/webhooks/{fake.app_id}/{chosen.token}",
                                             timeout=8, since=since)
        assert public.ok and not int(public.json.get("flags") or 0) & EPHEMERAL, public.json
        assert fake.requests("DELETE", f"/webhooks/{fake.app_id}/{chosen.token}/messages/@original")
        posted = fake.message(int(public.response["id"]))
        assert not posted.ephemeral and posted.channel_id == thread.id  # everyone in the thread sees it
        await bot.settle()


async def test_members_are_refused_privately_and_nothing_the_bot_sends_can_ping(fake, sqlite_store, clock,
                                                                                 settings):
    host_role = fake.add_role("Debate host", 0)
    thread_keeper = fake.add_role("Thread keeper", int(Perm.MANAGE_THREADS))
    host, keeper = fake.add_member("hana", [host_role]), fake.add_member("kai", [thread_keeper])
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        _, thread = await start_debate(fake, bot)

        refused = await answer(fake, await fake.send_slash_command("debate next", {}, user=fake.member,
                                                                   channel=thread))
        assert refused.ephemeral and "/debate next is for moderators only" in refused.text
        closing = await answer(fake, await fake.send_slash_command("debate close", {"debate": 1},
                                                                   user=fake.member))
        assert closing.deferred and closing.ephemeral and "moderators only" in closing.text
        # /steelman thinks in public; its error still reaches only the member who asked.
        asked = await fake.send_slash_command("steelman", {}, user=fake.member, channel=fake.channel)
        await fake.wait_for_callback(asked)
        private = await fake.wait_for_request(method="POST", path=f"/webhooks/{fake.app_id}/{asked.token}")
        assert private.json["flags"] & 64 and "not a debate's thread" in text_of(private.json)
        assert fake.requests("DELETE", f"/webhooks/{fake.app_id}/{asked.token}/messages/@original")
        assert not any("not a debate's thread" in text_of(m) for m in fake.messages_in(fake.channel)
                       if not m.ephemeral and not m.deleted)

        # Moderators: Manage Threads, or a role listed in the settings.
        for moderator in (keeper, host):
            extended = await answer(fake, await fake.send_slash_command("debate extend", {"minutes": 5},
                                                                        user=moderator, channel=thread))
            assert "extended by 5 min" in extended.text

        await bot.advance(minutes=25)
        pings = (f"@everyone @here <@&{fake.moderator_role.id}> <@{fake.other_member.id}> <@!{fake.member.id}> "
                 f"<#{fake.channel.id}> </debate start:1> <t:1700000000:R> [docs](https://evil.example) "
                 "<!channel> <!here> <!subteam^S1> @channel")
        await argue(fake, thread, fake.member, f"{pings} look: compute is inspectable.", side="pause")
        await bot.settle()
        posted = fake.message_payload(argument_message(fake, thread, 1))
        assert (posted["mention_everyone"], posted["mentions"], posted["mention_roles"]) == (False, [], [])
        shown = text_of(argument_message(fake, thread, 1))
        assert "everyone" in shown and "compute is inspectable" in shown  # shown, inert (see the fixture)
        assert (await stored(sqlite_store, fake.guild.id)).arguments[0].text.startswith(pings)  # as typed
        writes = message_bodies(fake)
        assert len(writes) > 10 and [c.path for c, body in writes if could_ping(body)] == []


# ---- a restart --------------------------------------------------------------------------------------------


async def test_buttons_posted_before_a_restart_still_work(fake, sqlite_store, clock, settings):
    async with Bot(fake, sqlite_store, clock, settings) as first:
        card, thread = await start_debate(fake, first)
        await first.advance(minutes=15)
        await argue(fake, thread, fake.member, "Compute is controllable and can be destroyed to undo an "
                    "overhang.", side="slow-down")
        await first.settle()

    async with Bot(fake, sqlite_store, clock, settings) as second:
        edits_before = len(fake.requests("PATCH", f"/channels/{fake.channel.id}/messages/{card.id}"))
        assert "stand with go faster" in await click(fake, card, "go faster", fake.other_member)
        assert "That is also your endorsement" in await click(fake, argument_message(fake, thread, 1), "Agree",
                                                              fake.other_member)
        assert "Argument #2" in await fill_form(fake, card, "Add argument", fake.other_member, {
            "text": "Software progress, once published, cannot be taken back."})
        await second.settle()
        assert len(fake.requests("PATCH", f"/channels/{fake.channel.id}/messages/{card.id}")) > edits_before
        assert card_field(fake, card, "Positions") == "go faster 1"
        assert title_of(argument_message(fake, thread, 2)) == "#2 · go faster"

    debate = await stored(sqlite_store, fake.guild.id)
    assert [p.side for p in debate.positions] == ["go-faster"]
    assert [(e.argument, e.member_id) for e in debate.endorsements] == [(1, str(fake.other_member.id))]


# ---- the command line ---------------------------------------------------------------------------------------


def bot_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("STEELMAN", "DISCORD"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**environ, **(env or {})}, timeout=60)


def test_invite_url_asks_for_exactly_the_permissions_the_bot_uses():
    done = bot_cli("discord", "invite-url", "--application-id", "1")
    assert done.returncode == 0, done.stderr
    query = parse_qs(urlparse(done.stdout.strip()).query)
    assert query["client_id"] == ["1"] and set(query["scope"][0].split()) == {"bot", "applications.commands"}
    granted = int(query["permissions"][0])
    assert granted == invite_permissions().value == (  # the README's table, in Discord's bit values
        Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.ATTACH_FILES
        | Perm.CREATE_PUBLIC_THREADS | Perm.SEND_MESSAGES_IN_THREADS | Perm.READ_MESSAGE_HISTORY)


def test_run_with_discord_enabled_but_no_token_names_the_setting(tmp_path):
    done = bot_cli("run", env={"STEELMAN__DISCORD__ENABLED": "true",
                               "STEELMAN__STORAGE__URL": f"sqlite:///{tmp_path / 'steelman.db'}"})
    assert done.returncode != 0 and "discord.token_env" in done.stderr and "DISCORD_TOKEN" in done.stderr



# ---- "does this capture your view?" ---------------------------------------------------------------------


async def test_members_rate_a_sides_steelman_with_its_star_buttons_and_the_results_show_it(
        fake, sqlite_store, clock, settings):
    alice, bob, carol, maya = fake.member, fake.other_member, fake.add_member("carol"), fake.moderator
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        card, thread = await start_debate(fake, bot)
        for who, label in ((alice, "pause"), (carol, "pause"), (bob, "go faster")):
            await click(fake, card, label, who)
        await bot.advance(minutes=15)
        await argue(fake, thread, alice, "Weights that exist cannot be un-trained, so evaluations must come first.")
        await argue(fake, thread, carol, "Compute thresholds are verifiable through chip supply chains, which "
                                         "makes a pause enforceable.")
        await argue(fake, thread, bob, "A unilateral pause only moves frontier work to labs with fewer safeguards.")
        asked = await answer(fake, await fake.send_slash_command("steelman", {}, user=maya, channel=thread))
        assert not asked.ephemeral
        await bot.settle()
        [shown] = [m for m in fake.messages_in(thread) if title_of(m) == "Steelman of debate #1"]
        assert [label for label in buttons(shown) if label.startswith("pause")] == [
            "pause 1★", "pause 2★", "pause 3★", "pause 4★", "pause 5★"]

        assert "captures your view: 4/5" in await click(fake, shown, "pause 4★", alice)
        assert "captures your view: 5/5" in await click(fake, shown, "pause 5★", carol)
        assert "fair to that side: 3/5" in await click(fake, shown, "pause 3★", bob)
        assert "captures your view: 5/5" in await click(fake, shown, "pause 5★", alice)  # the latest counts
        await answer(fake, await fake.send_slash_command("debate close", {"debate": 1}, user=maya))
        await bot.settle()

        [closing] = [m for m in fake.messages_in(thread) if title_of(m) == "Steelman of debate #1"
                     and not m.ephemeral and m.id != shown.id]
        assert "The pause side rated its steelman 5.0/5, n = 2" in text_of(closing)
        assert "other sides rated it fair to them 3.0/5, n = 1" in text_of(closing)
