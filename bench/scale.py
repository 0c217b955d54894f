"""Benchmark of Steelman on PostgreSQL: durable commands per second, and deadlines per second with 1, 2 and
4 bot processes on one database, checking that every deadline fired exactly once.

    python bench/scale.py --out scale.json [--url postgresql://postgres@127.0.0.1:5432/postgres]

pg_core_per_s: `/position` commands through the real core (parse, rules, one transaction with the position,
the card's coalesced edit and the outbox), 100 members at once spread over 10 debates, each command durable
when its reply comes. pg_raw_per_s: the same position rows written with raw asyncpg, one single-row
autocommit INSERT each, 100 at once, through a pool of the same size, in the same run. processes_N_per_s: N
processes (tests/scale_worker.py) wake to DEADLINES pre-votes ending at one instant; the rate is deadlines
fired and announced per second, from that instant to the last announcement. Every figure is the median of
--runs runs; each run gets its own database, copied from one seeded template. Databases are created beside
the one --url names and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from bot import bootstrap  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.handlers import Request  # noqa: E402
from bot.domain import Actor# noqa: E402
from storage.postgres.store import PostgresStore  # noqa: E402
from tests.pg_support import admin, with_database  # noqa: E402
from tests.scale_worker import SPACE, seed, settings  # noqa: E402

MEMBERS = 100
DEBATES_IN_USE = 10
POOL = 10
ROUND_ONE = ": open floor"


# ---- commands per second -----------------------------------------------------------------------------


async def core_rate(url: str, commands: int) -> float:
    store = PostgresStore(url, pool_max=POOL)
    await store.open()
    # the rate limits are for members; the benchmark measures how many commands the bot can take
    unlimited = settings(30).model_copy(update={"limits": Settings.model_validate({"limits": {
        "arguments_per_minute": 1000, "arguments_per_debate": 100000,
        "position_changes_per_minute": 1000, "position_changes_per_debate": 100000,
        "votes_per_minute": 1000, "votes_per_debate": 100000}}).limits})
    core = bootstrap.build(unlimited, ManualClock(datetime.now(UTC)), store, worker="bench")
    left = [commands]

    async def member(i: int) -> None:
        who, flip = Actor(f"m{i}", f"Member {i}"), i % 2
        while left[0] > 0:
            left[0] -= 1
            flip ^= 1  # alternate sides, so no command is an ignored repeat
            line = f"/position debate:{i % DEBATES_IN_USE + 1} side:{('for', 'undecided')[flip]}"
            reply = await core.execute_text(Request(SPACE, who, f"c{i}"), line)
            assert reply.message.text.startswith("Recorded"), reply.message.text

    try:
        began = time.perf_counter()
        await asyncio.gather(*(member(i) for i in range(MEMBERS)))
        return commands / (time.perf_counter() - began)
    finally:
        await store.close()


async def raw_rate(url: str, commands: int) -> float:
    pool = await asyncpg.create_pool(url, min_size=POOL, max_size=POOL)
    debates = [r["id"] for r in await pool.fetch("SELECT id FROM debates ORDER BY number LIMIT $1", DEBATES_IN_USE)]
    space_id = await pool.fetchval("SELECT space_id FROM debates LIMIT 1")
    left = [commands]

    async def member(i: int) -> None:
        flip = i % 2
        while left[0] > 0:
            left[0] -= 1
            flip ^= 1
            await pool.execute(
                "INSERT INTO positions (space_id, debate_id, member_id, member_name, side, confidence, reason, "
                "credited, phase, recorded_at) VALUES ($1, $2, $3, $4, $5, NULL, NULL, NULL, 0, $6)",
                space_id, debates[i % DEBATES_IN_USE], f"m{i}", f"Member {i}", ("for", "undecided")[flip],
                datetime.now(UTC),
            )

    try:
        began = time.perf_counter()
        await asyncio.gather(*(member(i) for i in range(MEMBERS)))
        return commands / (time.perf_counter() - began)
    finally:
        await pool.close()


# ---- deadlines per second with N processes -------------------------------------------------------------


async def processes_rate(url: str, n: int, deadlines: int) -> tuple[float, bool]:
    due = datetime.now(UTC) + timedelta(seconds=3 + 0.5 * n)
    conn = await asyncpg.connect(url)
    await conn.execute("UPDATE agenda SET due_at = $1 WHERE done_at IS NULL", due)
    first_new = await conn.fetchval("SELECT COALESCE(MAX(id), 0) FROM outbox")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "deliveries.log"
        procs = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "scale_worker.py"), "--url", url,
                                   "--name", f"p{i}", "--log", str(log), "--lease", "30"],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                 for i in range(n)]
        try:
            for p in procs:
                assert p.stdout.readline().strip() == "ready"
            if datetime.now(UTC) > due:
                print(f"warning: the processes started after the deadline ({n} processes)", file=sys.stderr)
            sent = await _wait_for_announcements(log, deadlines, timeout=120)
            # the rest of each thread's messages follow the announcement: wait until all are out (a loaded
            # machine delays them; the check is of exactly once, not of how soon)
            stop = time.monotonic() + 60
            while time.monotonic() < stop and await conn.fetchval(
                    "SELECT COUNT(*) FROM outbox WHERE id > $1 AND delivered_at IS NULL", first_new):
                await asyncio.sleep(0.2)
            await asyncio.sleep(0.5)  # a duplicate, if any, would be in the log by now
            sent = [json.loads(line) for line in log.read_text().splitlines()]
        finally:
            for p in procs:
                p.kill()
                p.wait()
    fired = Counter(d["debate"] for d in sent if d["title"].endswith(ROUND_ONE))
    done = await conn.fetchval("SELECT COUNT(*) FROM agenda WHERE phase = 0 AND done_at IS NOT NULL")
    pending = await conn.fetchval("SELECT COUNT(*) FROM outbox WHERE id > $1 AND delivered_at IS NULL", first_new)
    await conn.close()
    checks = {"every deadline announced": len(fired) == deadlines, "none twice": set(fired.values()) == {1},
              "every deadline done": done == deadlines,
              "no message sent twice": max(Counter(d["item"] for d in sent).values()) == 1,
              "no message left pending": pending == 0}
    once = all(checks.values())
    if not once:
        print(f"exactly once failed with {n} processes: {[k for k, v in checks.items() if not v]} "
              f"(fired {len(fired)}, done {done}, pending {pending})", file=sys.stderr)
    last = max(d["at"] for d in sent if d["title"].endswith(ROUND_ONE))
    return deadlines / (last - due.timestamp()), once


async def _wait_for_announcements(log: Path, deadlines: int, timeout: float) -> None:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if log.exists() and log.read_text().count(ROUND_ONE) >= deadlines:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("not every deadline was announced in time")


# ---- the run ------------------------------------------------------------------------------------------------


async def bench(url: str, runs: int, commands: int, deadlines: int) -> dict:
    tag = f"steelman_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    template, made = f"{tag}_tpl", []
    await admin(url, f'CREATE DATABASE "{template}"')
    made.append(template)
    try:
        await seed(with_database(url, template), deadlines, datetime.now(UTC) + timedelta(days=1))

        async def fresh() -> str:
            name = f"{tag}_{len(made)}"
            await admin(url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            made.append(name)
            return with_database(url, name)

        core, raw, ratios = [], [], []
        for _ in range(runs):
            db = await fresh()
            core.append(await core_rate(db, commands))
            raw.append(await raw_rate(db, commands))
            ratios.append(core[-1] / raw[-1])
        result = {"pg_core_per_s": round(statistics.median(core), 1), "pg_raw_per_s": round(statistics.median(raw), 1),
                  "pg_ratio_vs_raw": round(statistics.median(ratios), 3)}
        exactly_once = True
        for n in (1, 2, 4):
            rates = []
            for _ in range(runs):
                rate, once = await processes_rate(await fresh(), n, deadlines)
                rates.append(rate)
                exactly_once &= once
            result[f"processes_{n}_per_s"] = round(statistics.median(rates), 1)
        result["exactly_once"] = exactly_once
        result["setup"] = {"cpus": os.cpu_count(), "runs": runs, "commands": commands, "members": MEMBERS, "debates": DEBATES_IN_USE,
                           "pool": POOL, "deadlines": deadlines, "runs_core": core, "runs_raw": raw}
        return result
    finally:
        for name in made:
            await admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--url", default=os.environ.get("STEELMAN_TEST_POSTGRES_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--deadlines", type=int, default=400)
    args = parser.parse_args()
    result = asyncio.run(bench(args.url, args.runs, args.commands, args.deadlines))
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "setup"}, indent=2))


if __name__ == "__main__":
    main()
