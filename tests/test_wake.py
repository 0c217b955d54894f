"""Processes on one PostgreSQL database wake each other: a message or a deadline queued by one
process is taken up by another within a second, though each sleeps up to `max_sleep_seconds` (60 s
here)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot import bootstrap
from bot.clock import SystemClock
from bot.domain import Actor, Job
from bot.handlers import Request
from storage.postgres.store import PostgresStore
from tests.pg_support import empty_database
from tests.scale_worker import PROBE, SPACE, settings
from tests.stores import PG_REQUIRED, PG_SKIP_REASON, PG_URL
from tests.test_postgres_scale import deliveries, spawn


@pytest.fixture
async def db_url():
    if not PG_URL:
        if PG_REQUIRED:
            pytest.fail("STEELMAN_REQUIRE_POSTGRES=1 but STEELMAN_TEST_POSTGRES_URL is not set")
        pytest.skip(PG_SKIP_REASON)
    return await empty_database(PG_URL)


async def listeners(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND query LIKE 'LISTEN %'"
        )
    finally:
        await conn.close()


async def first(log, predicate, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [d for d in deliveries(log) if predicate(d)]:
            return found[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"nothing in {timeout}s: {deliveries(log)}")


async def test_work_queued_by_one_process_is_taken_up_by_another_within_a_second(db_url, tmp_path):
    log = tmp_path / "deliveries.log"
    workers = [spawn(db_url, f"w{i}", log) for i in (1, 2)]
    store = PostgresStore(db_url)
    await store.open()
    try:
        for p in workers:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        for _ in range(200):  # both listen, then look at the empty agenda and go to sleep for 60 s
            if await listeners(db_url) == 2:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)

        # a message: this process (which runs no agenda) starts a debate; a worker posts its card
        core = bootstrap.build(settings(5), SystemClock(60), store, worker="commands")
        maya = Request(SPACE, Actor("maya", "Maya", True), "general")
        reply = await core.execute_text(
            maya, '/debate start motion:"Compute caps work" format:quick'
        )
        assert "has started" in reply.message.text
        queued = time.time()
        card = await first(log, lambda d: d["title"].startswith("Debate #1"), timeout=5)
        assert card["at"] - queued < 1.0

        # a deadline: due in a moment; a worker that slept on fires it on time
        due = datetime.now(UTC) + timedelta(seconds=1)

        async def schedule(uow):
            space = await uow.space(SPACE, due)
            await uow.schedule(Job(PROBE, due, space.id, "wake-probe"))

        await store.transact(schedule)
        fired = await first(log, lambda d: d.get("probe") == "wake-probe", timeout=5)
        assert fired["at"] - due.timestamp() < 1.0
    finally:
        await store.close()
        for p in workers:
            p.kill()
            p.wait()
