"""Ingest benchmark on SQLite: members' commands through the core, against two baselines.

    python bench/ingest.py --out ingest.json [--seconds 10] [--rate 1000] [--members 100]
    python bench/ingest.py --quick --out tmp.json     # a short smoke run (a few seconds)
    python bench/ingest.py --out ingest.json --check  # exit 1 when a goal is missed

What is measured, each run on a fresh database file:

- core: --members members, each a distinct Actor, send /position, /argue and /endorse in turn
  through `Core.execute` (built by `bot.bootstrap.core` on `sqlite:///<tmp>/bench.db`), each with
  an event key as a platform sends, each acknowledged after its commit. The debate's format has one
  long round and no per-person limit, so nothing should be refused: an error reply, or a reply that
  wrote nothing, counts as a failed command. The agenda and the outbox delivery do not run (that is
  the platform side); the messages queued are counted.
- naive aiosqlite: one INSERT and COMMIT per row through one aiosqlite connection, --members tasks
  at once, each row its own transaction (a lock around execute + commit, as a bot sharing one
  connection needs: without it the tasks' INSERTs share whatever transaction is open and one COMMIT
  carries many rows, which is group commit by accident, not one commit per row).
- raw sqlite3: one thread, BEGIN, one INSERT, COMMIT per row.
  Both baselines use WAL and the `synchronous` of the core's pass, and write a position-like row.
- closed loop: each run lasts --closed-seconds, members sending as fast as they are answered. The
  core and the baselines are interleaved (core, naive, raw, core, ...) --repeats times; figures are
  medians, ratios the median of per-run ratios.
- open loop: --rate commands/s offered for --seconds s, each call started at its planned time
  whatever is still in flight; latency runs from the planned time to the acknowledgement (free of
  coordinated omission). Once per pass, on its own fresh database.
- trips: hand-offs to the database thread per closed-loop command: the store's `trips` counter when
  it has one, else a wrapper of `aiosqlite.Connection._execute` (each aiosqlite call is one hop).

Two passes: `synchronous=NORMAL`, then FULL (issue 19). The core's FULL pass needs the
`[storage] synchronous` setting; without it the core's FULL figures are null and
`full.core_skipped` says why (the raw and naive FULL baselines are still measured).

JSON: the NORMAL pass at top level, the FULL pass under "full" and again flat as "full.<key>":
core_per_s, naive_aiosqlite_per_s, raw_sqlite_per_s, ratio_vs_naive, ratio_vs_raw,
p50_ms_at_1000, p99_ms_at_1000 (at --rate; setup.rate says what was offered), closed_p50_ms,
closed_p99_ms, trips_per_command, trips_method, queued_per_command, failed_commands,
failure_samples, open_loop {...}; full {the same keys, core_skipped}; goals {name: {key, value,
target, pass}}; setup {...}.

Goals: ratio_vs_naive >= 1.0, ratio_vs_raw >= 0.1, p99_ms_at_1000 <= 10; full.ratio_vs_raw >= 1.0
(the core at least as fast as raw per-row FULL commits), full.p99_ms_at_1000 <= 10. Each prints
PASS, FAIL or SKIP; the exit status is 0 unless --check is given: then a FAIL or SKIP exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiosqlite  # noqa: E402

from bot import bootstrap  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import Settings, StorageSettings  # noqa: E402
from bot.domain import Actor, SpaceRef  # noqa: E402
from bot.handlers import Request  # noqa: E402

SPACE = SpaceRef("bench", "guild-1", "Bench")
CHANNEL = "general"
SIDES = ("pause", "slow-down", "go-faster")
KINDS = ("position", "argue", "endorse")
EXPECTED = {"position": "Recorded", "argue": "Argument #", "endorse": "You endorsed"}
ROUND = {"name": "open floor", "duration": "30d"}
FORMAT = {"pre_vote": "1h", "post_vote": "1h", "rounds": [ROUND]}
ROW_TABLE = """CREATE TABLE IF NOT EXISTS positions (
    id INTEGER PRIMARY KEY, space_id INTEGER NOT NULL, debate_id INTEGER NOT NULL,
    member_id TEXT NOT NULL, member_name TEXT NOT NULL, side TEXT NOT NULL, confidence INTEGER,
    reason TEXT, credited INTEGER, phase INTEGER NOT NULL, recorded_at TEXT NOT NULL)"""
ROW_INDEX = "CREATE INDEX IF NOT EXISTS positions_member ON positions (debate_id, member_id, id)"
ROW_INSERT = ("INSERT INTO positions (space_id, debate_id, member_id, member_name, side, "
              "confidence, reason, credited, phase, recorded_at) "
              "VALUES (1, 1, ?, ?, ?, ?, NULL, NULL, 1, ?)")
SKIP_NOTE = ("bot.config.StorageSettings has no `synchronous` field yet, so the core cannot run "
             "with FULL: its FULL figures are skipped (the raw and naive FULL baselines are not)")


# ---- settings and the debate -------------------------------------------------------------------


def store_has_synchronous() -> bool:
    return "synchronous" in StorageSettings.model_fields


def bench_settings(url: str, synchronous: str) -> Settings:
    storage = {"url": url}
    if store_has_synchronous():  # set NORMAL explicitly too: the default is to become FULL
        storage["synchronous"] = synchronous
    # the rate limits are for members; a benchmark measures how many commands the bot can take
    unlimited = {"arguments_per_minute": 1000, "arguments_per_debate": 100000,
                 "position_changes_per_minute": 1000, "position_changes_per_debate": 100000,
                 "votes_per_minute": 1000, "votes_per_debate": 100000}
    return Settings.model_validate({"storage": storage, "bot": {"default_format": "bench"},
                                    "formats": {"bench": FORMAT}, "limits": unlimited})


def actor(i: int) -> Actor:
    return Actor(f"m{i}", f"Member {i}")


@dataclass
class Stage:
    """The debate under load, and what each member sends next (never a refusal, never a no-op)."""

    debate: int
    arguments: list[tuple[int, int]] = field(default_factory=list)  # (number, author) answered
    sent: dict[int, int] = field(default_factory=dict)
    positions: dict[int, int] = field(default_factory=dict)
    cursor: dict[int, int] = field(default_factory=dict)
    events: int = 0

    def next_command(self, i: int, kind: str | None = None) -> tuple[str, dict]:
        k = self.sent[i] = self.sent.get(i, 0) + 1
        kind = kind or KINDS[(i + k) % len(KINDS)]
        if kind == "endorse":
            target = self._endorsable(i)
            if target is not None:
                return "endorse", {"argument": target, "debate": self.debate}
            kind = "position"
        if kind == "argue":
            text = f"Point {k} from member {i}: compute thresholds can be audited, so can a pause."
            return "argue", {"text": text, "side": SIDES[i % len(SIDES)], "debate": self.debate}
        n = self.positions[i] = self.positions.get(i, 0) + 1  # a new confidence: never a repeat
        side = SIDES[(i + n) % len(SIDES)]
        return "position", {"side": side, "confidence": n % 101, "debate": self.debate}

    def _endorsable(self, i: int) -> int | None:
        """The next argument member i has not endorsed and did not write."""
        at = self.cursor.get(i, 0)
        while at < len(self.arguments) and self.arguments[at][1] == i:
            at += 1
        if at >= len(self.arguments):
            return None
        self.cursor[i] = at + 1
        return self.arguments[at][0]

    def request(self, who: Actor) -> Request:
        self.events += 1
        return Request(SPACE, who, CHANNEL, None, f"evt-{self.events}")


@dataclass
class Tally:
    done: int = 0
    failed: int = 0
    samples: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.failed += 1
        if len(self.samples) < 5:
            self.samples.append(what[:160])


async def issue(core, stage: Stage, i: int, tally: Tally, kind: str | None = None) -> None:
    """One member's command, checked: an error, or a reply that wrote nothing, is a failure."""
    name, raw = stage.next_command(i, kind)
    began = time.perf_counter()
    reply = await core.execute(stage.request(actor(i)), name, raw)
    tally.latencies.append(time.perf_counter() - began)
    text = reply.message.text
    tally.done += 1
    if reply.message.kind == "error" or not text.startswith(EXPECTED[name]):
        tally.fail(f"/{name}: {text}")
    elif name == "argue":
        stage.arguments.append((int(text.split("#")[1].split()[0]), i))


async def prepare(core, members: int) -> Stage:
    """One debate, moved into its round, with one argument per member to endorse."""
    mod = Actor("mod", "Moderator", True)
    stage = Stage(0)
    start = {"motion": "Frontier AI labs should pause training runs above 10^26 FLOP",
             "sides": "pause, slow down, go faster", "format": "bench"}
    reply = await core.execute(stage.request(mod), "debate start", start)
    assert "has started" in reply.message.text, reply.message.text
    stage.debate = int(reply.message.text.split("#")[1].split()[0])
    reply = await core.execute(stage.request(mod), "debate next", {"debate": stage.debate})
    assert "open floor" in reply.message.text, reply.message.text
    seed = Tally()
    await asyncio.gather(*(issue(core, stage, i, seed, "argue") for i in range(members)))
    assert seed.failed == 0 and len(stage.arguments) == members, seed.samples
    return stage


def queued(path: Path) -> int:
    """Messages waiting in the outbox (read beside the store, as another process would)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


# ---- hand-offs to the database thread ----------------------------------------------------------


class Trips:
    """Counts hand-offs: the store's own `trips` when it has one, else every aiosqlite call."""

    WRAPPED = "aiosqlite.Connection._execute wrapper"

    def __init__(self, store):
        self.store = store
        self.own = isinstance(getattr(store, "trips", None), int)
        self.method = "store.trips" if self.own else self.WRAPPED
        self.count = 0
        self._original = None

    def __enter__(self) -> "Trips":
        if not self.own:
            self._original = original = aiosqlite.Connection._execute
            trips = self

            async def counted(conn, fn, *args, **kwargs):
                trips.count += 1
                return await original(conn, fn, *args, **kwargs)

            aiosqlite.Connection._execute = counted
        return self

    def __exit__(self, *exc) -> None:
        if self._original is not None:
            aiosqlite.Connection._execute = self._original

    def read(self) -> int:
        return self.store.trips if self.own else self.count


# ---- the core: closed loop and open loop -------------------------------------------------------


async def core_closed(tmp: Path, sync: str, members: int, seconds: float) -> dict:
    path = tmp / "bench.db"
    async with bootstrap.core(bench_settings(f"sqlite:///{path}", sync), SystemClock()) as core:
        with Trips(core.store) as trips:
            stage = await prepare(core, members)
            tally, queued_before, trips_before = Tally(), queued(path), trips.read()
            began = time.perf_counter()

            async def member(i: int) -> None:
                while time.perf_counter() < began + seconds:
                    await issue(core, stage, i, tally)

            await asyncio.gather(*(member(i) for i in range(members)))
            elapsed = time.perf_counter() - began
            hops = trips.read() - trips_before
        messages = queued(path) - queued_before
    seen = hops > 0 or trips.own  # a store off aiosqlite without `trips` cannot be counted so
    ms = sorted(x * 1000 for x in tally.latencies)
    return {"rate": tally.done / elapsed, "commands": tally.done, "failed": tally.failed,
            "samples": tally.samples, "p50_ms": _quantile(ms, 0.5), "p99_ms": _quantile(ms, 0.99),
            "trips": hops / tally.done if seen else None,
            "trips_method": trips.method if seen else "none (no store.trips, no aiosqlite calls)",
            "queued": messages / tally.done}


async def core_open(tmp: Path, sync: str, members: int, rate: float, seconds: float) -> dict:
    path = tmp / "bench.db"
    async with bootstrap.core(bench_settings(f"sqlite:///{path}", sync), SystemClock()) as core:
        stage = await prepare(core, members)
        tally, latencies, lags = Tally(), [], []
        total = int(rate * seconds)
        t0 = time.perf_counter() + 0.05

        async def call(j: int, planned: float) -> None:
            lags.append(time.perf_counter() - planned)
            await issue(core, stage, j % members, tally)
            latencies.append(time.perf_counter() - planned)

        tasks = await _offer(call, t0, rate, total)
        offered_until = time.perf_counter()
        await asyncio.gather(*tasks)
        finished = time.perf_counter()
    ms = sorted(x * 1000 for x in latencies)
    return {"offered": total, "completed": tally.done, "failed": tally.failed,
            "samples": tally.samples, "p50_ms": round(_quantile(ms, 0.50), 2),
            "p99_ms": round(_quantile(ms, 0.99), 2), "max_ms": round(ms[-1], 2),
            "achieved_per_s": round(tally.done / (finished - t0), 1),
            "max_launch_lag_ms": round(max(lags) * 1000, 2),
            "drain_s": round(finished - offered_until, 2)}


async def _offer(call, t0: float, rate: float, total: int) -> list[asyncio.Task]:
    """Start call j at t0 + j/rate, whatever is still in flight."""
    tasks, j = [], 0
    while j < total:
        now = time.perf_counter()
        while j < total and t0 + j / rate <= now:
            tasks.append(asyncio.create_task(call(j, t0 + j / rate)))
            j += 1
        if j < total:
            await asyncio.sleep(max(0.0, t0 + j / rate - time.perf_counter()))
    return tasks


def _quantile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank quantile of sorted values."""
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return sorted_values[index]


# ---- baselines ---------------------------------------------------------------------------------


def _row(i: int, k: int) -> tuple:
    return (f"m{i}", f"Member {i}", SIDES[k % len(SIDES)], k % 101, datetime.now(UTC).isoformat())


def raw_rate(tmp: Path, sync: str, seconds: float) -> float:
    """Raw sqlite3: BEGIN, one INSERT, COMMIT per row, one thread."""
    con = sqlite3.connect(tmp / "raw.db", isolation_level=None)
    try:
        for sql in ("PRAGMA journal_mode=WAL", f"PRAGMA synchronous={sync}", ROW_TABLE, ROW_INDEX):
            con.execute(sql)
        rows, began = 0, time.perf_counter()
        while time.perf_counter() - began < seconds:
            for _ in range(20):
                con.execute("BEGIN")
                con.execute(ROW_INSERT, _row(rows % 100, rows))
                con.execute("COMMIT")
                rows += 1
        return rows / (time.perf_counter() - began)
    finally:
        con.close()


async def naive_rate(tmp: Path, sync: str, members: int, seconds: float) -> float:
    """A typical bot: one aiosqlite connection, `execute(INSERT)` then `commit()` per row."""
    async with aiosqlite.connect(tmp / "naive.db") as db:
        for sql in ("PRAGMA journal_mode=WAL", f"PRAGMA synchronous={sync}", ROW_TABLE, ROW_INDEX):
            await db.execute(sql)
        await db.commit()
        rows, lock, began = [0], asyncio.Lock(), time.perf_counter()

        async def member(i: int) -> None:
            k = 0
            while time.perf_counter() < began + seconds:
                k += 1
                async with lock:  # this row's transaction alone
                    await db.execute(ROW_INSERT, _row(i, k))
                    await db.commit()
                rows[0] += 1

        await asyncio.gather(*(member(i) for i in range(members)))
        return rows[0] / (time.perf_counter() - began)


# ---- one pass (one `synchronous` setting) ------------------------------------------------------


async def run_pass(sync: str, args, with_core: bool) -> dict:
    runs: dict[str, list] = {"core": [], "naive": [], "raw": []}
    for _ in range(args.repeats):  # interleaved: core, naive, raw, core, naive, raw, ...
        if with_core:
            runs["core"].append(await _fresh(core_closed, sync, args.members, args.closed_seconds))
        runs["naive"].append(await _fresh(naive_rate, sync, args.members, args.closed_seconds))
        runs["raw"].append(await _fresh(raw_rate, sync, args.closed_seconds))
    opened = None
    if with_core:
        opened = await _fresh(core_open, sync, args.members, args.rate, args.seconds)
    return _pass_summary(runs, opened)


async def _fresh(fn, *args):
    """Run one measurement in a fresh directory (a fresh database), after a collection."""
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="steelman-ingest-") as tmp:
        result = fn(Path(tmp), *args)
        return await result if asyncio.iscoroutine(result) else result


def _median(values: list, digits: int = 1) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), digits) if values else None


def _pass_summary(runs: dict[str, list], opened: dict | None) -> dict:
    core, naive, raw = runs["core"], runs["naive"], runs["raw"]
    rates = [c["rate"] for c in core]
    opened = opened or {}
    samples = [s for c in core for s in c["samples"]] + opened.get("samples", [])
    return {
        "core_per_s": _median(rates),
        "naive_aiosqlite_per_s": _median(naive),
        "raw_sqlite_per_s": _median(raw),
        "ratio_vs_naive": _median([c / n for c, n in zip(rates, naive)], 4),
        "ratio_vs_raw": _median([c / r for c, r in zip(rates, raw)], 4),
        "p50_ms_at_1000": opened.get("p50_ms"),
        "p99_ms_at_1000": opened.get("p99_ms"),
        "closed_p50_ms": _median([c["p50_ms"] for c in core], 2),
        "closed_p99_ms": _median([c["p99_ms"] for c in core], 2),
        "trips_per_command": _median([c["trips"] for c in core], 2),
        "trips_method": core[0]["trips_method"] if core else None,
        "queued_per_command": _median([c["queued"] for c in core], 3),
        "failed_commands": sum(c["failed"] for c in core) + opened.get("failed", 0),
        "closed_commands": sum(c["commands"] for c in core),
        "failure_samples": samples[:5],
        "open_loop": {k: v for k, v in opened.items() if k != "samples"} or None,
        "runs": {"core_per_s": [round(r, 1) for r in rates],
                 "naive_per_s": [round(r, 1) for r in naive],
                 "raw_per_s": [round(r, 1) for r in raw]},
    }


# ---- goals, table, JSON ------------------------------------------------------------------------


GOALS = (  # (name, key in the result, ">=" or "<=", target)
    ("ratio_vs_naive >= 1.0", "ratio_vs_naive", ">=", 1.0),
    ("ratio_vs_raw >= 0.1", "ratio_vs_raw", ">=", 0.1),
    ("p99_ms_at_1000 <= 10", "p99_ms_at_1000", "<=", 10.0),
    ("full: core_per_s >= raw_sqlite_per_s", "full.ratio_vs_raw", ">=", 1.0),
    ("full: p99_ms_at_1000 <= 10", "full.p99_ms_at_1000", "<=", 10.0),
)


def goals(result: dict) -> dict:
    verdicts = {}
    for name, key, op, target in GOALS:
        value = result.get(key)
        ok = None if value is None else (value >= target if op == ">=" else value <= target)
        verdicts[name] = {"key": key, "value": value, "target": target, "pass": ok}
    return verdicts


ROWS = ("core_per_s", "naive_aiosqlite_per_s", "raw_sqlite_per_s", "ratio_vs_naive",
        "ratio_vs_raw", "p50_ms_at_1000", "p99_ms_at_1000", "closed_p50_ms", "closed_p99_ms",
        "trips_per_command", "queued_per_command", "failed_commands")


def table(normal: dict, full: dict, verdicts: dict, rate: float) -> str:
    lines = [f"{'figure':<24}{'NORMAL':>14}{'FULL':>14}", "-" * 52]
    for key in ROWS:
        lines.append(f"{key:<24}{_cell(normal.get(key)):>14}{_cell(full.get(key)):>14}")
    for name, one in (("NORMAL", normal), ("FULL", full)):
        loop = one.get("open_loop")
        if loop:
            lines.append(f"open loop {name}: {loop['offered']} offered at {rate:g}/s, "
                         f"{loop['completed']} answered at {loop['achieved_per_s']}/s, max "
                         f"{loop['max_ms']} ms, {loop['drain_s']} s to drain after the offer")
    if full.get("core_skipped"):
        lines.append(f"note: {full['core_skipped']}")
    lines += [f"trips counted by: {normal.get('trips_method')}", ""]
    for name, v in verdicts.items():
        word = "SKIP" if v["pass"] is None else ("PASS" if v["pass"] else "FAIL")
        lines.append(f"{word:<5} {name}  (measured {_cell(v['value'])})")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.3f}" if isinstance(value, float) and abs(value) < 10 else f"{value:,}"


async def bench(args) -> dict:
    normal = await run_pass("NORMAL", args, with_core=True)
    can_full = store_has_synchronous()
    if not can_full:
        print(f"note: {SKIP_NOTE}", file=sys.stderr)
    full = await run_pass("FULL", args, with_core=can_full)
    full["core_skipped"] = None if can_full else SKIP_NOTE
    result = {k: v for k, v in normal.items() if k != "runs"}
    result["full"] = {k: v for k, v in full.items() if k != "runs"}
    flat = {f"full.{k}": v for k, v in result["full"].items() if not isinstance(v, (dict, list))}
    result.update(flat)
    result["goals"] = goals(result)
    result["setup"] = {
        "cpus": os.cpu_count(), "members": args.members, "repeats": args.repeats,
        "closed_seconds": args.closed_seconds, "rate": args.rate, "seconds": args.seconds,
        "quick": args.quick, "sqlite": sqlite3.sqlite_version, "aiosqlite": aiosqlite.__version__,
        "runs_normal": normal["runs"], "runs_full": full["runs"]}
    print(table(normal, full, result["goals"], args.rate))
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--out", type=Path, help="write the figures as JSON here")
    add("--seconds", type=float, default=10, help="open-loop duration (s)")
    add("--rate", type=float, default=1000, help="open-loop commands offered per second")
    add("--members", type=int, default=100)
    add("--repeats", type=int, default=5, help="interleaved closed-loop runs per pass (medians)")
    add("--closed-seconds", type=float, default=3, help="length of one closed-loop run (s)")
    add("--quick", action="store_true", help="a short smoke run")
    add("--check", action="store_true", help="exit 1 when a goal is missed or skipped")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rate, args.members = 0.5, 200, 20
        args.repeats, args.closed_seconds = 1, 0.3
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(bench(args))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    missed = [name for name, v in result["goals"].items() if not v["pass"]]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
