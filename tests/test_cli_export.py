"""`python -m bot export` as an operator runs it: a long export shows a progress bar that ends at its total,
in every format; a short one shows none; an existing file is refused unless --force."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bench.export import _space, generate

ROOT = Path(__file__).resolve().parents[1]
ARGUMENTS = 12_000  # over the bar's threshold (10,000 records)


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STEELMAN__STORAGE__URL": f"sqlite:///{db}", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "bot", "export", "--space", "bench:g1", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli-export") / "big.db"
    space, debate = asyncio.run(_space(db))
    generate(db, space.id, debate.id, ARGUMENTS)
    return db


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "md"])
def test_a_long_export_shows_a_progress_bar_that_ends_at_its_total(big, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    done = _cli(big, "--all", "--format", fmt, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"({ARGUMENTS:,} records)" in done.stdout and out.stat().st_size > 0
    final = done.stderr.replace("\r", "\n").strip().splitlines()[-1]
    assert "100%" in final and f"{ARGUMENTS}/{ARGUMENTS}" in final, done.stderr[-500:]
    if fmt == "csv":
        with zipfile.ZipFile(out) as archive:
            assert archive.read("arguments.csv").count(b"\n") == ARGUMENTS + 1


def test_a_short_export_shows_no_bar_and_an_existing_file_is_refused(tmp_path):
    db = tmp_path / "small.db"
    space, debate = asyncio.run(_space(db))
    generate(db, space.id, debate.id, 10)
    out = tmp_path / "small.json"
    first = _cli(db, "--all", "--format", "json", "--out", str(out))
    assert first.returncode == 0 and "(10 records)" in first.stdout and "rows/s" not in first.stderr
    again = _cli(db, "--all", "--format", "json", "--out", str(out))
    assert again.returncode != 0 and "exists; nothing was written" in again.stdout + again.stderr
    assert _cli(db, "--all", "--format", "json", "--out", str(out), "--force").returncode == 0
