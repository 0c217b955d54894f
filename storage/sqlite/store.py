"""The core's Store port on SQLite: one connection on one thread, and group commit.

A unit of work is a function of a `UnitOfWork`. The store queues the units that arrive together and runs
them on the connection's own thread in one hand-off: one transaction (BEGIN IMMEDIATE) and one COMMIT (so
one fsync under `synchronous=FULL`) for all. A unit refused before it wrote leaves nothing to undo; one
refused after writing sends the group round again with a savepoint per unit, so it rolls back alone.
Each unit is answered only after that COMMIT. A unit runs from start to end without waiting on anything
but the store (SQLite answers at once on its own thread), which `run_to_end` checks.

WAL lets other processes read meanwhile; the busy timeout lets a second process wait for its turn, and
bounds how long a writer elsewhere holding the lock can stall this one (then the units fail with
`StoreUnavailable`, which members read as "could not save, try again"). Pure reads (`read`) run on a
second, read-only connection on its own thread: in WAL they answer from the last commit while the write
lock is held, by another process or by a stalled batch of this one.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.domain import Space
from bot.errors import StoreUnavailable
from storage.codec import ts
from storage.sqlite import integrity, migrations
from storage.uow import UnitOfWork

log = logging.getLogger("steelman.storage.sqlite")
T = TypeVar("T")
_PLACEHOLDER = re.compile(r"\$(\d+)")
MAX_BATCH = 256  # units per transaction: bounds how long one COMMIT keeps the others waiting


class SqliteDb:
    """Runs the shared statements on the connection, synchronously (we are on its thread)."""

    def __init__(self, conn: sqlite3.Connection, statements: dict[str, str], settled: set | None = None):
        self.conn = conn
        self._statements = statements  # `$n` rewritten once per statement text
        self.settled: set[Hashable] = set() if settled is None else settled  # see storage.uow.Db

    def locking(self, alias: str, share: bool = False) -> str:
        return ""  # one writer at a time: a transaction already holds the whole database

    def skip_locked(self, alias: str) -> str:
        return ""

    def utc_text(self, column: str) -> str:
        return column  # times are stored so (storage.codec.ts)

    def csv_line(self, fields: list[tuple[str, str]]) -> str:
        """One CSV line from (kind, column) fields, formatted by SQLite in one printf: text quoted only
        when it holds a comma, quote, CR or LF (%w doubles the quotes), NULL as nothing, times as
        `isoformat` writes them (fixed-width text: the fraction cut when it is zero)."""
        marks, args = [], []
        for kind, column in fields:
            if kind == "time":
                marks.append("%.*s%s")
                args += [f"CASE WHEN substr({column}, 21) = '000000' THEN 19 ELSE 26 END", column,
                         f"CASE WHEN {column} IS NULL THEN '' ELSE '+00:00' END"]
            elif kind == "number":
                marks.append("%s")
                args.append(column)
            else:
                marks.append("%s")
                args.append(f"CASE WHEN instr({column}, ',') OR instr({column}, '\"') OR instr({column}, char(13)) "
                            f"OR instr({column}, char(10)) THEN printf('\"%w\"', {column}) ELSE {column} END")
        return f"printf('{','.join(marks)}' || char(13, 10), {', '.join(args)})"

    def csv_join(self, line: str, key: str) -> str:
        # the lines of the page's rows, in the page's order (the ordered subquery feeds the aggregate in
        # order; SQLite 3.44 and later are told so explicitly), as UTF-8 bytes
        order = f" ORDER BY {key}" if sqlite3.sqlite_version_info >= (3, 44) else ""
        return f"CAST(group_concat({line}, ''{order}) AS BLOB)"

    def _cursor(self, sql: str, args: tuple[Any, ...]) -> sqlite3.Cursor:
        native = self._statements.get(sql)
        if native is None:
            native = self._statements[sql] = _PLACEHOLDER.sub(r"?\1", sql)
        # times as our text form, inline: a function call per argument cost a tenth of the writer's time
        return self.conn.execute(native, [ts(a) if isinstance(a, datetime) else a for a in args])

    async def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        return self._cursor(sql, args).fetchone()

    async def all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self._cursor(sql, args).fetchall()

    async def value(self, sql: str, *args: Any) -> Any:
        row = self._cursor(sql, args).fetchone()
        return row[0] if row is not None else None

    async def run(self, sql: str, *args: Any) -> int:
        return self._cursor(sql, args).rowcount

    async def later(self, sql: str, *args: Any) -> None:
        self._cursor(sql, args)  # on the connection's own thread a statement costs no trip: do it now

    async def flush(self) -> None:
        return None

    async def tuples(self, sql: str, *args: Any) -> list[tuple]:
        cursor = self._cursor(sql, args)
        cursor.row_factory = None  # plain tuples: no Row object per row (set before the first fetch)
        return cursor.fetchall()


def run_to_end(coro: Coroutine[Any, Any, T]) -> T:
    """Run a unit of work that never waits on anything but this store (whose calls answer at once)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("a unit of work waited on something other than the store: it must run in one go")


Work = Callable[[UnitOfWork], Awaitable[Any]]
_WRITES = object()  # a unit on the read path tried to write


class SqliteStore:
    def __init__(self, path: str | Path, synchronous: str = "NORMAL", busy_timeout_ms: int = 3000):
        self.path = str(path)
        self.synchronous = synchronous
        self.busy_timeout_ms = busy_timeout_ms
        self.trips = 0  # hand-offs to the connection's thread (a benchmark reads it)
        self._conn: sqlite3.Connection | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._queue: list[tuple[Work, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None
        self._spaces: dict[tuple[str, str], Space] = {}
        self._statements: dict[str, str] = {}
        self._identity: tuple[int, int] | None = None  # the file's (device, inode) when opened
        self._reader: sqlite3.Connection | None = None  # the read path (a file only: :memory: has none)
        self._read_thread: ThreadPoolExecutor | None = None
        # WAL checkpoints run beside the writer, on the read thread's own connection, so no commit waits
        # for one (SQLite would otherwise run them inside a commit now and then: a latency spike)
        self._checkpointer: sqlite3.Connection | None = None
        self._checkpointing: asyncio.Future | None = None
        self._checkpointed_at = 0.0

    @classmethod
    def from_url(cls, url: str, **options: Any) -> "SqliteStore":
        if url.startswith("sqlite://:memory:"):
            return cls(":memory:", **options)
        return cls(url.removeprefix("sqlite:///"), **options)

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    # ---- life cycle ---------------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and apply migrations, on the connection's thread."""
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="steelman-sqlite")
        try:
            self._conn = await self._on_thread(self._connect)
        except BaseException:
            self._thread.shutdown(wait=True)
            self._thread = None
            raise
        if self.path != ":memory:":
            self._read_thread = ThreadPoolExecutor(1, thread_name_prefix="steelman-sqlite-read")
            self._reader = await self._on_read_thread(self._connect_reader)
            self._checkpointer = await self._on_read_thread(self._connect_checkpointer)
            await self._on_thread(lambda: self._conn.execute("PRAGMA wal_autocheckpoint=0"))

    def _connect_checkpointer(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
        conn.execute(f"PRAGMA synchronous={self.synchronous}")
        return conn

    def _checkpoint(self) -> None:
        conn = self._checkpointer
        if conn is not None:
            try:  # PASSIVE: copies what it can without waiting for (or blocking) the writer and readers
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as exc:  # the next one tries again; the WAL only grows meanwhile
                log.warning("WAL checkpoint failed: %s", exc)

    def _after_commit(self) -> None:
        """At most one checkpoint in flight, and one a second while commands keep coming."""
        if self._checkpointer is None or self._read_thread is None:
            return
        now = time.monotonic()
        if (self._checkpointing is None or self._checkpointing.done()) and now - self._checkpointed_at >= 1:
            self._checkpointed_at = now
            self._checkpointing = asyncio.get_running_loop().run_in_executor(self._read_thread,
                                                                             self._checkpoint)

    def _connect_reader(self) -> sqlite3.Connection:
        uri = Path(self.path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
        conn.execute("PRAGMA query_only=ON")
        return conn

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:  # unreadable path, a directory, ...
            raise StoreUnavailable(f"cannot open the SQLite file {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        try:
            integrity.check_before_use(conn, self.path)  # before anything writes to the file
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", f"busy_timeout={self.busy_timeout_ms}",
                           f"synchronous={self.synchronous}"):
                conn.execute(f"PRAGMA {pragma}")
            migrations.migrate(conn)
            integrity.check_writable(conn, self.path)
            self._identity = integrity.identity(self.path)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreUnavailable(f"cannot use the SQLite file {self.path}: {exc}") from exc
            raise
        return conn

    async def close(self) -> None:
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)
        conn, self._conn = self._conn, None
        reader, self._reader = self._reader, None
        if self._checkpointing is not None:
            await asyncio.wait([self._checkpointing])
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            await self._on_read_thread(checkpointer.close)
        if reader is not None:
            await self._on_read_thread(reader.close)
        if self._read_thread is not None:
            self._read_thread.shutdown(wait=True)
            self._read_thread = None
        if conn is not None:
            await self._on_thread(conn.close)
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None

    async def listen(self, wake: Callable[[], None]) -> None:
        """One process per file: its own commits already wake its agenda; no one else to hear."""

    async def _on_thread(self, fn: Callable[[], T]) -> T:
        assert self._thread is not None
        self.trips += 1
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn)

    async def _on_read_thread(self, fn: Callable[[], T]) -> T:
        assert self._read_thread is not None
        return await asyncio.get_running_loop().run_in_executor(self._read_thread, fn)

    # ---- units of work ------------------------------------------------------------------------------

    async def read(self, work: Work) -> Any:
        """Run `work(uow)`, which changes nothing, on the read-only connection: it answers from the last
        commit even while the write lock is held. A unit that writes after all (a community's first
        command creates its row) is run again by `transact`."""
        if self._reader is None:
            return await self.transact(work)
        outcome = await self._on_read_thread(lambda: self._run_read(work))
        if outcome is _WRITES:
            return await self.transact(work)
        ok, value = outcome
        if not ok:
            raise value
        return value

    def _run_read(self, work: Work) -> Any:
        conn = self._reader
        if conn is None:
            return False, StoreUnavailable("the store is closed")
        uow = UnitOfWork(SqliteDb(conn, self._statements), self._spaces)
        try:
            conn.execute("BEGIN")  # one snapshot for the whole unit
            value = run_to_end(work(uow))
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "read-only" in str(exc):
                return _WRITES
            return False, self._unavailable(exc, "read")
        except BaseException as exc:
            return False, self._unavailable(exc, "read")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        for space in uow.new_spaces:  # read from committed rows: safe to remember
            self._spaces.setdefault((space.platform, space.external_id), space)
        return True, value

    async def transact(self, work: Work) -> Any:
        """Run `work(uow)` in a transaction and return its result once committed; if it raises, what it
        did is rolled back and the exception comes back here."""
        if self._conn is None:
            raise StoreUnavailable("the store is closed")
        future = asyncio.get_running_loop().create_future()
        self._queue.append((work, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        """Hand the queued units to the thread, as many as have arrived, until none is left."""
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            works = [work for work, _ in batch]
            try:
                outcomes = await self._on_thread(lambda: self._run_batch(works))
            except BaseException as exc:  # the thread itself failed: nothing was committed
                outcomes = [(False, exc)] * len(batch)
            self._after_commit()
            for (_, future), (ok, value) in zip(batch, outcomes):
                if future.done():  # its caller went away (cancelled); the outcome stands regardless
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    def _run_batch(self, works: list[Work]) -> list[tuple[bool, Any]]:
        conn = self._conn
        if conn is None:
            return [(False, StoreUnavailable("the store is closed"))] * len(works)
        moved = integrity.moved(self.path, self._identity)
        if moved:  # writing on would only fill a file nobody will open again
            log.critical("%s", moved)
            return [(False, StoreUnavailable(moved))] * len(works)
        together = self._units(conn, works, guarded=False)
        return together if together is not None else self._units(conn, works, guarded=True)

    def _units(self, conn: sqlite3.Connection, works: list[Work], guarded: bool
               ) -> list[tuple[bool, Any]] | None:
        """The units one after another in one transaction. Unguarded, with no savepoint: a unit refused
        before it changed a row leaves nothing to undo, and the units share what the transaction settled
        (`Db.settled`); None when one was refused after writing: all is rolled back, to be run again
        guarded, each unit in a savepoint, so that a refusal undoes only its own rows."""
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            return [(False, self._unavailable(exc, "begin"))] * len(works)
        outcomes: list[tuple[bool, Any]] = []
        made: list[Space] = []
        settled: set[Hashable] | None = None if guarded else set()
        for work in works:
            uow = UnitOfWork(SqliteDb(conn, self._statements, settled), self._spaces)
            changes = conn.total_changes
            try:
                if guarded:
                    conn.execute("SAVEPOINT unit")
                value = run_to_end(work(uow))
                if guarded:
                    conn.execute("RELEASE unit")
                outcomes.append((True, value))
                made.extend(uow.new_spaces)
            except BaseException as exc:
                if not conn.in_transaction:  # SQLite itself rolled everything back (disk full, I/O)
                    return [(False, self._unavailable(exc, "write"))] * len(works)
                failure = self._unavailable(exc, "write") if isinstance(exc, sqlite3.OperationalError) else exc
                if guarded:
                    conn.execute("ROLLBACK TO unit")
                    conn.execute("RELEASE unit")
                elif conn.total_changes != changes:  # it wrote before it failed: only a rollback undoes it
                    conn.execute("ROLLBACK")
                    return [(False, failure)] if len(works) == 1 else None
                outcomes.append((False, failure))
        return self._commit(conn, outcomes, made)

    def _commit(self, conn: sqlite3.Connection, outcomes: list[tuple[bool, Any]], made: list[Space]
                ) -> list[tuple[bool, Any]]:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return [(False, self._unavailable(exc, "commit"))] * len(outcomes)
        for space in made:
            self._spaces.setdefault((space.platform, space.external_id), space)
        return outcomes

    def _unavailable(self, exc: BaseException, step: str) -> BaseException:
        if not isinstance(exc, sqlite3.Error):
            return exc
        log.error("SQLite %s failed on %s: %s", step, self.path, exc)
        return StoreUnavailable(f"SQLite {step} failed: {exc}")
