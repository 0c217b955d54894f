"""bench/ingest.py runs end to end (a --quick run) and writes every figure.

This checks that the bench works and its numbers are sane, not that the goals are met: nothing here
is timed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TOP = ("core_per_s", "naive_aiosqlite_per_s", "raw_sqlite_per_s", "ratio_vs_naive",
       "ratio_vs_raw", "p50_ms_at_1000", "p99_ms_at_1000", "closed_p50_ms", "closed_p99_ms",
       "trips_per_command", "trips_method", "failed_commands", "queued_per_command", "open_loop",
       "full", "goals", "setup")
FULL = ("core_per_s", "raw_sqlite_per_s", "ratio_vs_raw", "p99_ms_at_1000", "core_skipped")
RATES = ("core_per_s", "naive_aiosqlite_per_s", "raw_sqlite_per_s", "ratio_vs_naive",
         "ratio_vs_raw", "p50_ms_at_1000", "p99_ms_at_1000", "trips_per_command")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[str, dict]:
    """One --quick run shared by the tests below: (its printed table, its JSON)."""
    out = tmp_path_factory.mktemp("ingest") / "tmp.json"
    command = [sys.executable, str(ROOT / "bench" / "ingest.py"), "--quick", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text())


def test_quick_run_writes_every_figure(quick):
    printed, result = quick
    assert [k for k in TOP if k not in result] == []
    assert [k for k in FULL if k not in result["full"] or f"full.{k}" not in result] == []
    assert [(k, result[k]) for k in RATES if not _positive(result[k])] == []
    assert result["p50_ms_at_1000"] <= result["p99_ms_at_1000"]
    assert result["failed_commands"] == 0, result["failure_samples"]
    loop = result["open_loop"]
    assert loop["completed"] == loop["offered"] > 0 and loop["failed"] == 0
    assert result["queued_per_command"] > 0  # arguments queue their posts
    assert "core_per_s" in printed and any(word in printed for word in ("PASS", "FAIL"))


def test_full_pass_is_measured_or_says_why_not(quick):
    _, result = quick
    full = result["full"]
    assert _positive(full["raw_sqlite_per_s"])
    assert result["full.raw_sqlite_per_s"] == full["raw_sqlite_per_s"]
    if full["core_skipped"]:
        assert full["core_per_s"] is None and full["p99_ms_at_1000"] is None
        assert result["goals"]["full: p99_ms_at_1000 <= 10"]["pass"] is None
    else:
        assert [(k, full[k]) for k in FULL[:-1] if not _positive(full[k])] == []
        assert full["failed_commands"] == 0, full["failure_samples"]
