"""Scheduled debates and the motion queue, driven as members on a real store with the manual clock."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.testing import Harness, RecordingChat
from tests.snapshot import snapshot

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BERLIN_FRIDAYS = 'when:"every friday 18:00" zone:Europe/Berlin'


class TimedChat(RecordingChat):
    """Also notes the clock's time of each post."""

    def __init__(self, clock):
        super().__init__()
        self.clock, self.at = clock, []

    async def deliver(self, item):
        self.at.append((self.clock.now(), item.out.message.title or "", item.out.message.text))
        return await super().deliver(item)


def harness(store, start=MONDAY, settings=None) -> Harness:
    clock = ManualClock(start)
    return Harness(store, settings or Settings(), clock, TimedChat(clock))


def posted(h: Harness, title: str) -> list[datetime]:
    return [at for at, t, _ in h.chat.at if t.startswith(title)]


async def test_a_weekly_berlin_prompt_fires_at_18_local_all_year(store):
    h = harness(store, datetime(2026, 1, 1, tzinfo=UTC))
    reply = await h.say(
        "Maya", f'/schedule add {BERLIN_FRIDAYS} prompt:"What should we argue about?"'
    )
    assert "Schedule #1: every friday 18:00 (Europe/Berlin)" in reply.message.text
    assert "Fri 02 Jan 18:00 CET (17:00 UTC)" in reply.message.text
    await h.advance(days=365)
    runs = posted(h, "Discussion prompt")
    assert len(runs) == 52
    assert {(t.hour, t.minute) for t in runs if 3 < t.month < 10} == {(16, 0)}  # CEST
    assert {(t.hour, t.minute) for t in runs if t.month in (1, 2, 11, 12)} == {(17, 0)}  # CET
    march = [t for t in runs if t.month == 3]
    assert [t.hour for t in march] == [
        17,
        17,
        17,
        17,
    ]  # 6, 13, 20, 27 March: before the change on the 29th
    assert [t.hour for t in runs if t.month == 10] == [
        16,
        16,
        16,
        16,
        17,
    ]  # the 30th is after the 25th


async def test_a_new_york_0130_run_fires_once_on_the_fall_back_night(store):
    h = harness(store, datetime(2026, 10, 30, tzinfo=UTC))
    await h.say(
        "Maya", '/schedule add when:"every day 01:30" zone:America/New_York prompt:"Night owls?"'
    )
    await h.advance(days=4)
    runs = posted(h, "Discussion prompt")
    assert runs == [
        datetime(2026, 10, 30, 5, 30, tzinfo=UTC),
        datetime(2026, 10, 31, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
    ]


async def test_a_berlin_0230_run_fires_once_on_the_spring_forward_night(store):
    h = harness(store, datetime(2026, 3, 28, tzinfo=UTC))
    await h.say(
        "Maya", '/schedule add when:"every day 02:30" zone:Europe/Berlin prompt:"Early birds?"'
    )
    await h.advance(days=2)
    assert posted(h, "Discussion prompt") == [
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ]


async def test_the_queue_is_debated_in_rank_order_then_an_empty_queue_invites_motions(store):
    h = harness(store)
    for who, text in [
        ("ada", "Compute caps beat model licensing"),
        ("bo", "Open weights do more good than harm"),
        ("cy", "Evaluations should be published before deployment"),
    ]:
        assert (
            "is in the queue" in (await h.say(who, f'/motion propose text:"{text}"')).message.text
        )
    for who, number in [("ada", 3), ("bo", 3), ("cy", 2)]:
        assert "You upvoted" in (await h.say(who, f"/motion upvote motion:{number}")).message.text
    listed = (await h.say("ada", "/motion list")).message.text.splitlines()
    assert listed[0].startswith("1. #3 “Evaluations") and "proposed by cy · 2 upvotes" in listed[0]
    assert listed[2].startswith("3. #1 “Compute caps")
    await h.say("Maya", f"/schedule add {BERLIN_FRIDAYS} from:queue format:quick")
    await h.advance(days=7 * 4)
    assert [t for t in h.chat.titles("card") if t.startswith("Debate")] == [
        "Debate #1: Evaluations should be published before deployment",
        "Debate #2: Open weights do more good than harm",
        "Debate #3: Compute caps beat model licensing",
    ]
    assert len(posted(h, "Propose the next motion")) == 1  # the fourth Friday: no empty debate
    assert "queue is empty" in (await h.say("ada", "/motion list")).message.text


async def test_a_near_duplicate_motion_is_pointed_at_the_open_one(store):
    h = harness(store)
    await h.say(
        "ada",
        '/motion propose text:"Frontier AI labs should pause training runs above 10^26 FLOP"',
    )
    before = await snapshot(store)
    reply = await h.say(
        "bo",
        '/motion propose text:"Frontier AI labs should pause their training runs above 10^26 FLOP"',
    )
    assert (
        "nearly motion #1" in reply.message.text
        and "/motion upvote motion:1" in reply.message.text
    )
    assert await snapshot(store) == before


@pytest.mark.parametrize(
    "who, line, says",
    [
        ("Maya", '/schedule add when:"61 18 * * 5" prompt:x', "minute field"),
        (
            "Maya",
            '/schedule add when:"every friday 18:00" zone:Europe/Berln prompt:x',
            "Did you mean Europe/Berlin",
        ),
        ("Maya", '/schedule add when:"*/30 * * * *" prompt:x', "the minimum is 1 h"),
        ("Maya", '/schedule add when:"every friday 18:00"', "one of `motion"),
        ("Maya", '/schedule add when:"every friday 18:00" from:top', "`from` can only be `queue`"),
        (
            "Maya",
            '/schedule add when:"every friday 18:00" from:queue format:nope',
            "no format 'nope'",
        ),
        (
            "Maya",
            '/schedule add when:"every friday 18:00" from:queue channel:"not a channel!"',
            "is not a channel",
        ),
        ("ada", '/schedule add when:"every friday 18:00" from:queue', "for moderators only"),
        ("ada", "/motion upvote motion:1", "can't upvote your own motion"),
        ("bo", "/motion upvote motion:1", "already upvoted motion #1"),
        ("bo", "/motion upvote motion:9", "no motion #9"),
        ("bo", '/motion propose text:""', "`text` is empty"),
        ("bo", f'/motion propose text:"{"x" * 301}"', "the limit is 300"),
        ("bo", "/motion withdraw motion:1", "Only ada, who proposed motion #1, or a moderator"),
        ("ada", "/motion reject motion:1 reason:spam", "for moderators only"),
        ("cy", "/motion withdraw-vote motion:1", "have not upvoted motion #1"),
        ("Maya", "/schedule pause schedule:7", "no schedule #7"),
    ],
)
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(store, who, line, says):
    h = harness(store)
    await h.say("ada", '/motion propose text:"Compute caps beat model licensing"')
    await h.say("bo", "/motion upvote motion:1")
    before = await snapshot(store)
    reply = await h.say(who, line)
    assert reply.message.kind == "error" and says in reply.message.text, reply.message.text
    assert await snapshot(store) == before


async def test_no_more_schedules_than_the_setting_allows(store):
    h = harness(store, settings=Settings.model_validate({"schedule": {"max_per_space": 2}}))
    for _ in range(2):
        assert (
            "Schedule #"
            in (await h.say("Maya", '/schedule add when:"every day 09:00" prompt:hi')).message.text
        )
    before = await snapshot(store)
    reply = await h.say("Maya", '/schedule add when:"every day 10:00" prompt:hi')
    assert "already has 2 schedules, the most it may have" in reply.message.text
    assert await snapshot(store) == before


async def test_list_pause_resume_remove_and_run_now(store):
    h = harness(store)
    await h.say(
        "Maya",
        f'/schedule add {BERLIN_FRIDAYS} motion:"Compute caps beat model licensing" format:quick',
    )
    listed = (await h.say("ada", "/schedule list")).message.text
    assert (
        "next Fri 27 Nov 18:00 CET (17:00 UTC); Fri 04 Dec 18:00 CET (17:00 UTC); Fri 11 Dec"
        in listed
    )
    assert "paused" in (await h.say("Maya", "/schedule pause schedule:1")).message.text
    await h.advance(days=14)
    assert not h.chat.titles("card")  # paused: nothing ran
    assert "paused: paused by Maya" in (await h.say("ada", "/schedule list")).message.text
    assert (
        "Next: Fri 11 Dec 18:00 CET"
        in (await h.say("Maya", "/schedule resume schedule:1")).message.text
    )
    assert (
        "debate #1 started" in (await h.say("Maya", "/schedule run-now schedule:1")).message.text
    )
    await h.advance(days=5)
    assert len(h.chat.titles("card")) == 2
    assert "removed" in (await h.say("Maya", "/schedule remove schedule:1")).message.text
    await h.advance(days=14)
    assert len(h.chat.titles("card")) == 2
    assert "No schedules yet" in (await h.say("ada", "/schedule list")).message.text


async def test_an_upvote_delivered_twice_counts_once(store):
    h = harness(store)
    await h.say("ada", '/motion propose text:"Compute caps beat model licensing"')
    first = await h.say("bo", "/motion upvote motion:1", event="click-1")
    again = await h.say("bo", "/motion upvote motion:1", event="click-1")
    assert (
        first.message.text
        == again.message.text
        == "You upvoted motion #1: 1 upvote, place 1 in the queue."
    )
    assert (await snapshot(store))["motions"] == [(1, "open", 1)]


async def start_weekly(store, start=MONDAY):
    h = harness(store, start)
    await h.say("Maya", f'/schedule add {BERLIN_FRIDAYS} prompt:"What moved you this week?"')
    return h


FRIDAY_RUN = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


async def restarted(store, at: datetime) -> Harness:
    """A new process on the same store, started at `at` (the old one stopped before the run)."""
    h = harness(store, at)
    await h.agenda.settle()
    return h


async def test_a_run_missed_by_30_minutes_fires_once_on_restart(store):
    await start_weekly(store)
    h = await restarted(store, FRIDAY_RUN + timedelta(minutes=30))
    assert len(posted(h, "Discussion prompt")) == 1
    await h.agenda.settle()
    again = await restarted(store, FRIDAY_RUN + timedelta(minutes=40))
    assert posted(again, "Discussion prompt") == []
    assert "Fri 04 Dec 18:00 CET" in (await again.say("ada", "/schedule list")).message.text


async def test_a_run_missed_by_3_hours_is_skipped_and_logged_and_the_next_one_kept(store, caplog):
    await start_weekly(store)
    with caplog.at_level(logging.WARNING, "steelman.schedules"):
        h = await restarted(store, FRIDAY_RUN + timedelta(hours=3))
    assert posted(h, "Discussion prompt") == []
    assert "was missed by 3:00:00" in caplog.text and "skipped" in caplog.text
    await h.advance(days=7)
    assert posted(h, "Discussion prompt") == [datetime(2026, 12, 4, 17, 0, tzinfo=UTC)]


async def test_a_channel_the_bot_may_not_post_in_pauses_the_schedule_with_the_reason(store):
    from bot.ports import PermanentDeliveryError

    class Refusing(TimedChat):
        async def deliver(self, item):
            if item.out.channel_id == "gone":
                raise PermanentDeliveryError("channel_not_found")
            return await super().deliver(item)

    clock = ManualClock(MONDAY)
    h = Harness(store, Settings(), clock, Refusing(clock))
    await h.say("Maya", f'/schedule add {BERLIN_FRIDAYS} channel:#gone prompt:"Anyone?"')
    await h.advance(days=14)
    listed = (await h.say("Maya", "/schedule list")).message.text
    assert "paused: I could not post in #gone (channel_not_found)" in listed
    assert (await snapshot(store))["schedules"][0].next_run_at is None  # not retried every week
