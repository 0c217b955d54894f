"""Store faults as members meet them (issue 19, item 5): a write lock another process holds past the busy
timeout, a full disk, a read-only file. Each gets the specific "could not save, try again" (never the
generic apology), the log names the real cause, reads keep answering while the lock is held, and one stuck
writer stalls nobody longer than the busy timeout."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time

import pytest

from bot.config import Settings, StorageSettings
from bot.testing import Harness, sqlite_harness
from storage.sqlite.store import SqliteStore

APOLOGY = "something went wrong"
TIMEOUT_MS = 300


def quick(tmp_path) -> Settings:
    return Settings(storage=StorageSettings(url=f"sqlite:///{tmp_path / 'steelman.db'}",
                                            busy_timeout_ms=TIMEOUT_MS))


async def a_debate_with_an_argument(h: Harness) -> str:
    _, thread = await h.start_debate()
    await h.say("ada", "/position side:pause", thread=thread)
    await h.advance(minutes=15)
    reply = await h.say("ada", '/argue side:pause text:"Compute is the one lever that can be inspected."',
                        thread=thread)
    assert "is posted" in reply.message.text
    return thread


async def ask(h: Harness, who: str, line: str, **where):
    """A command without settling the agenda (which needs the store too): what the member reads, and
    how long it took."""
    started = time.perf_counter()
    reply = await h.core.execute_text(h.request(who, **where), line)
    return reply, time.perf_counter() - started


def held_lock(path) -> sqlite3.Connection:
    """Another process (a second connection) holding SQLite's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_a_write_lock_held_elsewhere_gets_could_not_save_after_the_bounded_wait(tmp_path, caplog):
    async with sqlite_harness(tmp_path, quick(tmp_path)) as h:
        thread = await a_debate_with_an_argument(h)
        other = held_lock(tmp_path / "steelman.db")
        try:
            with caplog.at_level(logging.WARNING):
                reply, took = await ask(h, "bob", "/position side:go-faster", thread=thread)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert reply.message.kind == "error" and reply.ephemeral
        assert "could not save" in reply.message.text and "try again" in reply.message.text
        assert APOLOGY not in reply.message.text
        assert took < TIMEOUT_MS / 1000 + 1.0  # bounded by the configured busy timeout, not 5-12 s
        assert "database is locked" in caplog.text  # the log names the cause
        # and once the lock is gone the same command is saved
        reply, _ = await ask(h, "bob", "/position side:go-faster", thread=thread)
        assert reply.message.kind != "error", reply.message.text


@pytest.mark.parametrize("line", ["/history", "/debate list", "/debate status", "/steelman", "/help"])
async def test_reads_answer_at_once_while_another_process_holds_the_write_lock(tmp_path, line):
    settings = Settings(storage=StorageSettings(url=f"sqlite:///{tmp_path / 'steelman.db'}",
                                                busy_timeout_ms=5000))
    async with sqlite_harness(tmp_path, settings) as h:
        thread = await a_debate_with_an_argument(h)
        other = held_lock(tmp_path / "steelman.db")
        try:
            reply, took = await ask(h, "ada", line, thread=thread)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert reply.message.kind != "error", reply.message.text
        assert took < 2.0  # not the 5 s busy timeout
    if line == "/history":
        assert "pause" in reply.message.text


async def test_a_read_from_a_community_never_seen_before_still_answers(tmp_path):
    """Its first command creates the community's row, which the read path cannot: it is run again on
    the ordinary path."""
    async with sqlite_harness(tmp_path, quick(tmp_path)) as h:
        reply, _ = await ask(h, "ada", "/debate list", space="guild-new")
        assert reply.message.kind != "error", reply.message.text


async def test_a_full_disk_gets_could_not_save_and_the_log_says_full(tmp_path, caplog):
    async with sqlite_harness(tmp_path, quick(tmp_path)) as h:
        thread = await a_debate_with_an_argument(h)
        # no page more than the file has now: the next insert that needs one fails with SQLITE_FULL
        conn = h.store._conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")
        text = "Evaluations must keep pace with capability before the next run. " * 20
        with caplog.at_level(logging.WARNING):
            replies = [(await ask(h, "bob", f'/argue side:pause text:"{text} {i}"', thread=thread))[0]
                       for i in range(4)]
        refused = [r for r in replies if r.message.kind == "error"]
        assert refused, "the file never filled up"
        for reply in refused:
            assert "could not save" in reply.message.text and APOLOGY not in reply.message.text
        assert "full" in caplog.text
        assert "cannot rollback" not in caplog.text and "no transaction is active" not in caplog.text
        # reads still answer from what was saved
        reply, _ = await ask(h, "ada", "/history", thread=thread)
        assert reply.message.kind != "error" and "pause" in reply.message.text
        conn.execute("PRAGMA max_page_count=1073741823")
        reply, _ = await ask(h, "bob", '/argue side:pause text:"Room again."', thread=thread)
        assert reply.message.kind != "error", reply.message.text


async def test_a_full_disk_in_a_batch_of_several_members_answers_each_with_could_not_save(tmp_path, caplog):
    import asyncio

    async with sqlite_harness(tmp_path, quick(tmp_path)) as h:
        thread = await a_debate_with_an_argument(h)
        conn = h.store._conn
        conn.execute(f"PRAGMA max_page_count={conn.execute('PRAGMA page_count').fetchone()[0]}")
        text = "Open weights let outsiders audit what labs will not show. " * 20
        with caplog.at_level(logging.WARNING):
            replies = await asyncio.gather(*(
                h.core.execute_text(h.request(f"m{i}", thread=thread),
                                    f'/argue side:pause text:"{text} {i}"') for i in range(8)))
        assert any(r.message.kind == "error" for r in replies)
        for reply in replies:
            assert APOLOGY not in reply.message.text
        assert "cannot rollback" not in caplog.text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
async def test_a_read_only_file_is_refused_at_start(tmp_path):
    path = tmp_path / "steelman.db"
    store = SqliteStore(path)
    await store.open()
    await store.close()
    path.chmod(stat.S_IRUSR)
    with pytest.raises(Exception, match="(?i)read-only|readonly|write"):
        await SqliteStore(path).open()


async def test_a_file_that_turns_read_only_gets_could_not_save_not_the_apology(tmp_path, caplog):
    """query_only stands in for a file the operating system stops letting us write (root ignores modes)."""
    async with sqlite_harness(tmp_path, quick(tmp_path)) as h:
        thread = await a_debate_with_an_argument(h)
        h.store._conn.execute("PRAGMA query_only=ON")
        with caplog.at_level(logging.WARNING):
            reply, _ = await ask(h, "bob", "/position side:go-faster", thread=thread)
        assert "could not save" in reply.message.text and APOLOGY not in reply.message.text
        assert "readonly" in caplog.text or "read-only" in caplog.text
        reply, _ = await ask(h, "ada", "/history", thread=thread)
        assert reply.message.kind != "error"


async def test_the_busy_timeout_is_a_setting():
    assert StorageSettings().busy_timeout_ms == 3000
    assert StorageSettings(busy_timeout_ms=100).busy_timeout_ms == 100
    with pytest.raises(Exception):
        StorageSettings(busy_timeout_ms=0)
