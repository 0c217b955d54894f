"""Benchmark of exports: a generated community of one million arguments exported as CSV through our code,
against the `sqlite3` command-line tool's own CSV dump of the same table, in the same run.

    python bench/export.py --out export.json [--arguments 1000000] [--repeat 3]

The rows are generated straight into the store's own tables with sqlite3 (fast, and not what is measured);
the export runs through the store port, in pages, as `python -m bot export` does (for `csv`, SQLite writes
each page's CSV lines itself and Python only compresses them; `read_back_ok` checks, untimed, that the
zip reads back with the csv module as every argument once, in order). Each repeat times the
three in turn (ours, the CLI, and the floor) and the figures are their medians. The floor is the least any
Python export can do with the standard library: one plain sqlite3 cursor on the table, `fetchmany` and
`csv.writer.writerows` into the same zip; `ratio_vs_floor` says how close our path comes to it. Peak RSS
is the whole process's high-water mark (generation included), read from getrusage.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import statistics
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import export  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain import Actor, Side, SpaceRef  # noqa: E402
from bot.rules import new_debate  # noqa: E402
from bot.steelman import Extractive  # noqa: E402
from storage.sqlite.store import SqliteStore  # noqa: E402

T0 = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
TEXT = "A unilateral pause moves frontier work to labs with fewer safeguards, argument number {}."


async def _space(db: Path):
    store = SqliteStore(db)
    await store.open()
    space = await store.transact(lambda uow: uow.space(SpaceRef("bench", "g1", "Bench"), T0))
    fresh = new_debate(space.id, "Frontier labs should pause", (Side("pause", "Pause"), Side("go", "Go")),
                       Settings().format("quick"), "general", Actor("maya", "Maya", True), T0)
    debate = await store.transact(lambda uow: uow.add_debate(fresh))
    await store.close()
    return space, debate


def generate(db: Path, space_id: int, debate_id: int, n: int) -> None:
    conn = sqlite3.connect(db)
    stamp = T0.strftime("%Y-%m-%dT%H:%M:%S.%f")
    rows = ((space_id, debate_id, i, f"m{i % 5000}", f"Member {i % 5000}", "pause" if i % 2 else "go", 1,
             TEXT.format(i), None, stamp) for i in range(1, n + 1))
    conn.executemany("INSERT INTO arguments (space_id, debate_id, number, author_id, author_name, side, phase, "
                     "text, rebuts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("UPDATE debates SET next_argument = ? WHERE id = ?", (n + 1, debate_id))
    conn.commit()
    conn.close()


async def ours(db: Path, space, target: Path) -> float:
    store = SqliteStore(db)
    await store.open()
    try:
        start = time.perf_counter()
        source = await export.source_for(store.transact, space, None, False, T0)
        source.overlap = True  # as `python -m bot export` reads
        with open(target, "wb") as out:
            await export.write("csv", source, out, T0, Extractive(), export.space_record(space, False))
        return time.perf_counter() - start
    finally:
        await store.close()


def cli(db: Path, target: Path) -> float:
    tool = shutil.which("sqlite3")
    if tool is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "sqlite3"], check=True, capture_output=True)
        tool = shutil.which("sqlite3")
    start = time.perf_counter()
    with open(target, "wb") as out:
        subprocess.run([tool, "-csv", "-header", str(db), "SELECT * FROM arguments"], stdout=out, check=True)
    return time.perf_counter() - start


def floor(db: Path, target: Path) -> float:
    """The standard library's own best: a plain cursor, big batches, writerows, the same zip."""
    start = time.perf_counter()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with archive.open("arguments.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                cursor = conn.execute("SELECT * FROM arguments")
                while rows := cursor.fetchmany(20_000):
                    writer.writerows(rows)
                text.flush()
                text.detach()
    finally:
        conn.close()
    return time.perf_counter() - start


def check(target: Path, n: int) -> bool:
    """Our zip's arguments, read back with the csv module (not timed): every argument once, in order, its
    text as generated (the database wrote these lines; this is what a user's reader sees)."""
    with zipfile.ZipFile(target) as archive, archive.open("arguments.csv") as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        assert next(reader)[:3] == ["debate", "number", "author_id"]
        count = 0
        for count, row in enumerate(reader, start=1):
            if int(row[1]) != count or row[6] != TEXT.format(count):
                raise AssertionError(f"argument {count} reads back as {row}")
    return count == n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--arguments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"ours": [], "cli": [], "floor": []}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        space, debate = asyncio.run(_space(db))
        generate(db, space.id, debate.id, args.arguments)
        for _ in range(args.repeat):
            runs["ours"].append(asyncio.run(ours(db, space, Path(tmp) / "ours.zip")))
            runs["cli"].append(cli(db, Path(tmp) / "cli.csv"))
            runs["floor"].append(floor(db, Path(tmp) / "floor.zip"))
        read_back = check(Path(tmp) / "ours.zip", args.arguments)
        sizes = {"ours_zip_mb": round((Path(tmp) / "ours.zip").stat().st_size / 2**20, 1),
                 "cli_csv_mb": round((Path(tmp) / "cli.csv").stat().st_size / 2**20, 1)}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    ours_s, cli_s, floor_s = (statistics.median(runs[k]) for k in ("ours", "cli", "floor"))
    ratios = [c / o for o, c in zip(runs["ours"], runs["cli"])]
    result = {"arguments": args.arguments, "format": "csv (zip)", "repeats": args.repeat,
              "seconds": round(ours_s, 2), "rows_per_s": round(args.arguments / ours_s),
              "peak_rss_mb": round(peak, 1),
              "sqlite3_cli_seconds": round(cli_s, 2), "sqlite3_cli_rows_per_s": round(args.arguments / cli_s),
              "ratio": round(statistics.median(ratios), 3), "ratios": [round(r, 3) for r in ratios],
              "floor_rows_per_s": round(args.arguments / floor_s),
              "floor_ratio": round(statistics.median(c / f for f, c in zip(runs["floor"], runs["cli"])), 3),
              "ratio_vs_floor": round(statistics.median(f / o for o, f in zip(runs["ours"], runs["floor"])),
                                      3),
              **sizes, "read_back_ok": read_back}
    for key, value in result.items():
        print(f"{key:24} {value}")
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
