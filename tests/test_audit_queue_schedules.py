"""Moderators' changes to the motion queue and to schedules show in /audit with who and when; a rejected
motion leaves the queue."""

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.config import Settings
from bot.testing import Harness

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_a_rejected_motion_leaves_the_queue_and_is_audited(store):
    h = Harness(store, Settings(), ManualClock(MONDAY))
    await h.say("ada", '/motion propose text:"Ban autonomous weapons"')
    await h.say("bo", '/motion propose text:"Tax compute at the source"')
    reply = await h.say("Maya", '/motion reject motion:1 reason:"off topic for this community"')
    assert "rejected" in reply.message.text
    queue = (await h.say("ada", "/motion list")).message.text
    assert "Ban autonomous weapons" not in queue and "Tax compute" in queue
    again = await h.say("bo", "/motion upvote motion:1")
    assert "no longer in the queue (it was rejected)" in again.message.text
    log = (await h.say("Maya", "/audit")).message.text
    assert ("2026-11-23 12:00 UTC · Maya · motion reject · motion #1: Ban autonomous weapons "
            "(reason: off topic for this community)") in log


async def test_a_moderator_withdrawing_another_members_motion_is_audited_and_a_proposer_is_not(store):
    h = Harness(store, Settings(), ManualClock(MONDAY))
    await h.say("ada", '/motion propose text:"Ban autonomous weapons"')
    await h.say("bo", '/motion propose text:"Tax compute at the source"')
    await h.say("ada", "/motion withdraw motion:1")
    await h.say("Maya", "/motion withdraw motion:2")
    log = (await h.say("Maya", "/audit")).message.text
    assert "Maya · motion withdraw · motion #2: Tax compute at the source" in log
    assert "motion #1" not in log


async def test_every_schedule_change_is_audited_with_who_and_when(store):
    clock = ManualClock(MONDAY)
    h = Harness(store, Settings(), clock)
    await h.say("Maya", '/schedule add when:"every friday 18:00" zone:Europe/Berlin prompt:"What next?"')
    clock.set(MONDAY.replace(hour=13))
    await h.say("Maya", "/schedule pause schedule:1")
    await h.say("Maya", "/schedule resume schedule:1")
    await h.say("Maya", "/schedule run-now schedule:1")
    await h.say("Maya", "/schedule remove schedule:1")
    refused = await h.say("ada", "/schedule pause schedule:1")  # not a moderator: nothing recorded
    assert "moderators only" in refused.message.text
    lines = (await h.say("Maya", "/audit")).message.text.splitlines()
    assert lines == [
        "2026-11-23 13:00 UTC · Maya · schedule remove · schedule #1",
        "2026-11-23 13:00 UTC · Maya · schedule run-now · schedule #1: the prompt is posted",
        "2026-11-23 13:00 UTC · Maya · schedule resume · schedule #1",
        "2026-11-23 13:00 UTC · Maya · schedule pause · schedule #1",
        "2026-11-23 12:00 UTC · Maya · schedule add · schedule #1: every friday 18:00 (Europe/Berlin) in "
        "#general, prompt “What next?”, format oxford",
    ]
