"""Reminders before a round or vote closes: posted once in the debate's thread at their time, dropped
when the phase ends early, moved when it is extended, kept across a restart, fired once by two processes."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.clock import ManualClock
from bot.config import Settings
from bot.testing import Harness, RecordingChat

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TIMED = {
    "pre_vote": "10m", "post_vote": "20m", "remind_before": ["5m"],
    "rounds": [{"name": "opening", "duration": "1h", "remind_before": ["30m", "10m"]},
               {"name": "rebuttal", "duration": "1h"},
               {"name": "closing", "duration": "30m", "remind_before": []}],
}


class TimedChat(RecordingChat):
    def __init__(self, clock):
        super().__init__()
        self.clock, self.at = clock, []

    async def deliver(self, item):
        self.at.append((self.clock.now(), item.out.message.text))
        return await super().deliver(item)

    def reminders(self) -> list[tuple[int, str]]:
        """(minutes since START, text) of each reminder posted."""
        return [(int((at - START).total_seconds() // 60), text) for at, text in self.at if " left in " in text]


def harness(store, chat=None, clock=None, worker="test") -> Harness:
    clock = clock or ManualClock(START)
    settings = Settings.model_validate({"formats": {"timed": TIMED}})
    return Harness(store, settings, clock, chat or TimedChat(clock), worker=worker)


async def test_each_reminder_is_posted_once_in_the_thread_at_its_time(store):
    h = harness(store)
    _, thread = await h.start_debate(fmt="timed")
    await h.advance(hours=4)
    assert h.chat.reminders() == [
        (5, "5 minutes left in the pre-vote: it closes Mon 23 Nov 12:10 UTC."),
        (40, "30 minutes left in the opening round: it closes Mon 23 Nov 13:10 UTC."),
        (60, "10 minutes left in the opening round: it closes Mon 23 Nov 13:10 UTC."),
        (125, "5 minutes left in the rebuttal round: it closes Mon 23 Nov 14:10 UTC."),  # the format's
        # the closing round asks for none; the post-vote (14:40-15:00) has the format's 5 minutes
        (175, "5 minutes left in the post-vote: it closes Mon 23 Nov 15:00 UTC."),
    ]
    reminders = [p for p in h.chat.posts if " left in " in p.item.out.message.text]
    assert all(p.item.out.in_thread and p.item.out.debate_id for p in reminders)
    assert all(p.item.out.message.title == "Debate #1" for p in reminders)


async def test_a_phase_ended_early_drops_its_reminders(store):
    h = harness(store)
    _, thread = await h.start_debate(fmt="timed")
    await h.advance(minutes=20)  # ten minutes into the opening
    reply = await h.say("Maya", "/debate next", thread=thread)
    assert "now rebuttal" in reply.message.text
    await h.advance(minutes=70)
    assert [m for m, t in h.chat.reminders() if "opening" in t] == []
    # the rebuttal began at 12:20 and closes at 13:20: its reminder at 13:15
    assert [m for m, t in h.chat.reminders() if "rebuttal" in t] == [75]


async def test_an_extension_moves_the_reminders_to_the_new_deadline(store):
    h = harness(store)
    _, thread = await h.start_debate(fmt="timed")
    await h.advance(minutes=20)
    await h.say("Maya", "/debate extend minutes:20", thread=thread)  # the opening closes at 13:30
    await h.advance(minutes=75)
    assert [(m, t.split(":")[0]) for m, t in h.chat.reminders() if "opening" in t] == [
        (60, "30 minutes left in the opening round"), (80, "10 minutes left in the opening round")]


async def test_an_extension_after_a_reminder_tells_it_again_when_it_is_true_again(store):
    h = harness(store)
    _, thread = await h.start_debate(fmt="timed")
    await h.advance(minutes=45)  # "30 minutes left" was posted at 12:40
    await h.say("Maya", "/debate extend minutes:30", thread=thread)  # 55 minutes left now
    await h.advance(minutes=60)
    assert [m for m, t in h.chat.reminders() if "opening" in t] == [40, 70, 90]


async def test_reminders_survive_a_restart_and_are_not_repeated(store):
    first = harness(store, worker="before")
    _, thread = await first.start_debate(fmt="timed")
    await first.advance(minutes=30)
    await store.close()  # the bot stops before the opening's reminders

    await store.open()
    second = harness(store, first.chat, first.clock, worker="after")
    await second.advance(minutes=35)
    assert [m for m, t in second.chat.reminders() if "opening" in t] == [40, 60]

    await store.close()
    await store.open()
    third = harness(store, first.chat, first.clock, worker="again")
    await third.advance(minutes=1)
    assert [m for m, t in third.chat.reminders() if "opening" in t] == [40, 60]


async def test_a_restart_after_a_reminder_was_due_tells_the_time_left_then(store):
    first = harness(store, worker="before")
    await first.start_debate(fmt="timed")
    await first.advance(minutes=35)
    await store.close()
    await store.open()
    second = harness(store, first.chat, first.clock, worker="after")
    second.clock.set(START + timedelta(minutes=52))  # down through the 30-minute reminder (12:40)
    await second.agenda.settle()
    assert [t.split(":")[0] for _, t in second.chat.reminders()][-1] == "18 minutes left in the opening round"
    await second.advance(minutes=30)
    assert [m for m, t in second.chat.reminders() if "opening" in t] == [52, 60]


async def test_two_processes_post_each_reminder_once(store):
    clock = ManualClock(START)
    chat = TimedChat(clock)
    one, two = harness(store, chat, clock, "one"), harness(store, chat, clock, "two")
    await one.start_debate(fmt="timed")
    for minute in range(1, 75):
        clock.set(START + timedelta(minutes=minute))
        await asyncio.gather(one.agenda.settle(), two.agenda.settle())
    assert [m for m, _ in chat.reminders()] == [5, 40, 60]


def test_a_round_reminder_longer_than_the_round_is_refused_at_start():
    bad = {**TIMED, "rounds": [{"name": "opening", "duration": "20m", "remind_before": ["30m"]}]}
    with pytest.raises(ValidationError, match="does not fit in the round, which lasts 0:20:00"):
        Settings.model_validate({"formats": {"timed": bad}})
