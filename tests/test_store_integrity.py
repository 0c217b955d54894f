"""SQLite files that are not ours, damaged, or taken away while the bot runs: refused, changing nothing,
and the process exits with status 2 instead of hanging."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import StoreUnavailable
from bot.testing import Harness
from storage.sqlite.integrity import APPLICATION_ID
from storage.sqlite.store import SqliteStore

ROOT = Path(__file__).resolve().parents[1]


def fingerprint(path: Path) -> tuple[str, list[str]]:
    """The file's bytes and which files sit beside it (an opened database would grow -wal and -shm)."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), sorted(p.name for p in path.parent.iterdir())


async def refused(path: Path, match: str) -> None:
    before = fingerprint(path)
    with pytest.raises(StoreUnavailable, match=match):
        await SqliteStore(path).open()
    assert fingerprint(path) == before, "a refused file was changed"


async def test_another_applications_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "crm.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO customers (name) VALUES ('Ada')")
    db.commit()
    db.close()
    await refused(path, "another application's data")


async def test_a_foreign_schema_migrations_table_is_not_read_as_a_newer_steelman(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    db.execute("INSERT INTO schema_migrations VALUES (999, 'their_thing', '2020-01-01')")
    db.commit()
    db.close()
    await refused(path, "another application's data")


async def test_random_bytes_are_refused_unchanged(tmp_path):
    path = tmp_path / "noise.db"
    path.write_bytes(bytes(range(256)) * 64)
    await refused(path, "not a readable SQLite database")


async def test_a_damaged_steelman_file_is_refused(tmp_path):
    path = tmp_path / "steelman.db"
    store = SqliteStore(path)
    await store.open()
    h = Harness(store)
    await h.start_debate()
    for n in range(40):  # enough rows to fill pages beyond the first
        await h.say("Maya", f'/debate start motion:"Motion number {n} about compute governance" format:quick',
                    channel=f"c{n}")
    await store.close()
    with sqlite3.connect(path) as db:  # fold the WAL into the file so the damage below is what is read
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    for n in range(1, len(data) // page):  # every page's b-tree header but the first page's
        data[n * page: n * page + 8] = b"\x0d\xff\xff\xff\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    await refused(path, "damaged|not a readable")


async def test_a_new_file_is_marked_as_ours_and_an_older_one_is_recognised(tmp_path):
    path = tmp_path / "steelman.db"
    store = SqliteStore(path)
    await store.open()
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        db.execute("PRAGMA application_id = 0")  # as a file from before the mark
    store = SqliteStore(path)
    await store.open()  # recognised by its migrations, and marked
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


async def test_a_database_deleted_while_the_bot_runs_stops_acknowledging_writes(tmp_path):
    path = tmp_path / "steelman.db"
    store = SqliteStore(path)
    await store.open()
    try:
        h = Harness(store)
        _, thread = await h.start_debate()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        reply = await h.core.execute_text(h.request("ada", thread=thread), "/position side:pause")
        assert reply.message.kind == "error"
        assert "could not save" in reply.message.text and "Nothing was recorded" in reply.message.text
    finally:
        await store.close()


@pytest.mark.parametrize("command", ["migrate", "run"])
def test_start_up_exits_with_status_2_on_a_file_it_refuses(tmp_path, command):
    path = tmp_path / "noise.db"
    path.write_bytes(b"not a database at all " * 100)
    env = {"STEELMAN__STORAGE__URL": f"sqlite:///{path}", "STEELMAN__DISCORD__ENABLED": "true",
           "DISCORD_TOKEN": "x", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "bot", command], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2, done.stderr
    assert "not a readable SQLite database" in done.stderr
    assert "Traceback" not in done.stderr
