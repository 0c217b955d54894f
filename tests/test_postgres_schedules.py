"""Two bot processes on one PostgreSQL database, both running the agenda: every schedule's run fires
exactly once (one prompt posted per schedule, one next run queued), whichever process claims it."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot import bootstrap
from bot.agenda import Agenda
from bot.clock import ManualClock
from bot.config import ScheduleSettings
from bot.domain import Actor
from bot.handlers import Request
from storage.postgres.store import PostgresStore
from tests.scale_worker import SPACE, _Quiet, settings
from tests.test_postgres_scale import db_url, deliveries, query, spawn, wait_for  # noqa: F401 (fixture)

SCHEDULES = 40


async def seed_schedules(url: str, due: datetime) -> None:
    """SCHEDULES weekly prompts, one per channel, their first runs all moved to `due`."""
    store = PostgresStore(url, pool_max=4)
    await store.open()
    try:
        roomy = settings(30).model_copy(
            update={"schedule": ScheduleSettings(max_per_space=SCHEDULES)}
        )
        core = bootstrap.build(roomy, ManualClock(datetime.now(UTC)), store, worker="seed")
        maya = Actor("maya", "Maya", True)
        for n in range(SCHEDULES):
            line = f'/schedule add when:"every friday 18:00" channel:c{n} prompt:"Prompt {n}"'
            reply = await core.execute_text(Request(SPACE, maya, f"c{n}"), line)
            assert reply.message.text.startswith("Schedule #"), reply.message.text
        await Agenda(core, _Quiet(), core.clock).settle()
    finally:
        await store.close()
    await query(url, "UPDATE schedules SET next_run_at = $1", due)
    await query(url, "UPDATE agenda SET due_at = $1 WHERE kind = 'scheduled_prompt'", due)


async def test_two_processes_fire_each_scheduled_run_exactly_once(db_url, tmp_path):
    log = tmp_path / "deliveries.log"
    due = datetime.now(UTC) + timedelta(seconds=3)
    await seed_schedules(db_url, due)
    workers = [spawn(db_url, f"w{i}", log) for i in (1, 2)]
    try:
        for p in workers:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()

        async def all_posted():
            """every schedule's prompt was delivered"""
            return sum(d["title"] == "Discussion prompt" for d in deliveries(log)) >= SCHEDULES

        await wait_for(all_posted, 30)
        await asyncio.sleep(1.0)  # a second firing, if there were one, would show by now
    finally:
        for p in workers:
            p.kill()
            p.wait()

    assert sum(d["title"] == "Discussion prompt" for d in deliveries(log)) == SCHEDULES
    posts = await query(
        db_url, "SELECT channel_id FROM outbox WHERE body LIKE '%Discussion prompt%'"
    )
    assert Counter(r["channel_id"] for r in posts) == Counter(
        {f"c{n}": 1 for n in range(SCHEDULES)}
    )
    runs = await query(db_url, "SELECT key, done_at FROM agenda WHERE kind = 'scheduled_prompt'")
    assert sum(r["done_at"] is not None for r in runs) == SCHEDULES  # each run done once
    pending = [r["key"] for r in runs if r["done_at"] is None]
    assert len(pending) == len(set(pending)) == SCHEDULES  # and exactly one next run per schedule
    nexts = await query(db_url, "SELECT DISTINCT next_run_at FROM schedules")
    assert len(nexts) == 1 and nexts[0]["next_run_at"] > due
