"""The core's Store port on PostgreSQL through asyncpg, for several bot processes on one database.

A pool of connections; a unit of work is one transaction on one of them. Work that runs outside commands
(due deadlines, outbox messages) is claimed with `FOR UPDATE SKIP LOCKED` plus a lease: concurrent claimers
never take the same row, and a row whose lease ran out (its process died) is claimable again. A dropped
connection surfaces as `StoreUnavailable`; the pool replaces the connection on the next acquire.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
import re
from dataclasses import dataclass
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from typing import Any, TypeVar

import asyncpg

from bot.errors import StoreUnavailable
from storage.export_sql import iso
from storage.postgres import migrations
from storage.postgres.errors import UNREACHABLE, discard, explain, safe_url
from storage.postgres.wake import Wakes
from storage.schema import SchemaTooNew
from storage.uow import UnitOfWork

log = logging.getLogger("steelman.storage.postgres")
T = TypeVar("T")

# A bot process that vanishes without closing its connections (a network partition, a frozen VM) must not
# hold its row locks for long: the server drops a silent client after about a minute, and ends a
# transaction left idle (no command takes anywhere near that long).
_SESSION = {
    "application_name": "steelman",
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
    "idle_in_transaction_session_timeout": "120000",
}


MAX_BATCH = 64  # units per transaction: bounds how long one COMMIT keeps the others waiting
# Transactions in flight at once (each on a connection of the pool, the rest of which serve reads and
# claims): with group commit a few carry every command that waits; more only add switching between them.
RUNNERS = 4


@dataclass
class _Unit:
    work: Callable[[UnitOfWork], Awaitable[Any]]
    done: asyncio.Future  # its caller waits on it


class _Connection(asyncpg.Connection):
    def get_reset_query(self) -> str:
        # Pooled connections keep no session state (no SET, LISTEN or session locks: LISTEN has a
        # connection of its own, see wake.py), so the pool need not send a
        # reset query on every release; an open transaction is still rolled back by asyncpg itself.
        return ""


async def _rollback(conn: Any) -> None:
    try:
        await conn.execute("ROLLBACK")
    except UNREACHABLE:
        discard(conn)


class PostgresStore:
    def __init__(self, url: str, password: str | None = None, pool_min: int = 1, pool_max: int = 10,
                 connect_timeout: float = 10.0, command_timeout: float | None = None):
        self.url = url
        self._password = password
        self._sizes = (pool_min, pool_max)
        self._timeouts = (connect_timeout, command_timeout)
        self._pool: asyncpg.Pool | None = None
        self._spaces: dict = {}
        self._queue: collections.deque[_Unit] = collections.deque()
        self._runners = 0
        self._tasks: set[asyncio.Task] = set()
        self.wakes = Wakes(self._dedicated, self.connection)

    def __repr__(self) -> str:  # never show a password
        return f"PostgresStore({safe_url(self.url)!r})"

    async def open(self) -> None:
        """Connect and apply migrations. Any failure is reported once, naming the setting to fix."""
        self._spaces.clear()
        try:
            self._pool = await asyncpg.create_pool(
                self.url, password=self._password, min_size=self._sizes[0], max_size=self._sizes[1],
                timeout=self._timeouts[0], command_timeout=self._timeouts[1], connection_class=_Connection,
                server_settings=_SESSION,
            )
            async with self._pool.acquire() as conn:
                await migrations.migrate(conn)
        except SchemaTooNew:
            await self.close()
            raise
        except Exception as exc:
            await self.close()
            raise StoreUnavailable(explain(exc, self.url)) from None

    def _dedicated(self) -> Awaitable[asyncpg.Connection]:
        return asyncpg.connect(self.url, password=self._password, timeout=self._timeouts[0],
                               server_settings=_SESSION)

    async def listen(self, wake: Callable[[], None]) -> None:
        """Call `wake` when another process queues or releases work; returns once listening (or
        once the first attempt failed: it keeps trying; the agenda's sleep bound covers it)."""
        await self.wakes.listen(wake)

    async def close(self) -> None:
        if self._tasks:  # units already taken: let them commit (or fail) before the pool goes
            await asyncio.wait(set(self._tasks), timeout=10)
        await self.wakes.close()
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except Exception:  # a pool whose server vanished cannot close politely: drop it
                pool.terminate()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pooled connection (for the store and `migrate-store`); losing it raises StoreUnavailable."""
        if self._pool is None:
            raise StoreUnavailable("the store is closed")
        try:
            async with self._pool.acquire() as conn:
                try:
                    yield conn
                except UNREACHABLE:
                    discard(conn)
                    raise
        except UNREACHABLE as exc:
            log.warning("PostgreSQL unreachable: %r", exc)
            raise StoreUnavailable(f"PostgreSQL is unreachable: {exc!r}") from exc

    async def read(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """A unit that changes nothing. Readers never wait on writers here (MVCC), so it is a transaction
        like any other."""
        return await self.transact(work)

    async def transact(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work(uow)` in a transaction and return its result once committed; if it raises, what it
        did is rolled back and the exception comes back here.

        Units that arrive together share one transaction (group commit): a connection of the pool takes
        every unit queued, runs them one after another between one BEGIN and one COMMIT, and answers
        each only after that COMMIT. A unit refused before it wrote anything leaves the others be; one
        that fails after writing (or any database error) rolls the whole group back, and then each unit
        runs again in a transaction of its own, so one refusal never undoes another member's command."""
        if self._pool is None:
            raise StoreUnavailable("the store is closed")
        loop = asyncio.get_running_loop()
        unit = _Unit(work, loop.create_future())
        self._queue.append(unit)
        if self._runners < min(self._sizes[1], RUNNERS):
            self._runners += 1
            runner = loop.create_task(self._drain())
            self._tasks.add(runner)
            runner.add_done_callback(self._tasks.discard)
        return await unit.done

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch: list[_Unit] = []
                while self._queue and len(batch) < MAX_BATCH:
                    unit = self._queue.popleft()
                    if not unit.done.cancelled():
                        batch.append(unit)
                if batch:
                    await self._run_batch(batch)
        finally:
            self._runners -= 1

    async def _run_batch(self, batch: list["_Unit"]) -> None:
        try:
            if len(batch) == 1 or not await self._together(batch):
                for unit in batch:
                    await self._alone(unit)
        except BaseException as exc:  # noqa: BLE001 - every waiting caller hears of it
            for unit in batch:
                if not unit.done.done():
                    unit.done.set_exception(exc if isinstance(exc, Exception) else StoreUnavailable(repr(exc)))
            if not isinstance(exc, Exception):
                raise

    async def _alone(self, unit: "_Unit") -> None:
        """One unit in its own transaction."""
        try:
            async with self.connection() as conn:
                await conn.execute("BEGIN")
                db = PgDb(conn)
                uow = UnitOfWork(db, self._spaces)
                try:
                    value = await unit.work(uow)
                    await db.flush()
                except UNREACHABLE:
                    raise  # the connection is discarded, and the server rolls back what it was doing
                except BaseException:
                    await _rollback(conn)
                    raise
                await self._commit(conn, db)
        except Exception as exc:
            if not unit.done.done():
                unit.done.set_exception(exc)
            return
        self._committed([uow])
        if not unit.done.done():
            unit.done.set_result(value)

    async def _together(self, batch: list["_Unit"]) -> bool:
        """Run the batch in one transaction. False (all rolled back, nobody answered) when it must be run
        unit by unit instead."""
        answers: list[tuple[_Unit, UnitOfWork, bool, Any]] = []
        async with self.connection() as conn:
            await conn.execute("BEGIN")
            db = PgDb(conn)
            for unit in batch:
                uow = UnitOfWork(db, self._spaces)
                writes = db.writes
                try:
                    value = await unit.work(uow)
                    await db.flush()
                    answers.append((unit, uow, True, value))
                except UNREACHABLE:
                    raise
                except asyncpg.PostgresError:  # the transaction is aborted: nothing of the batch can stay
                    await _rollback(conn)
                    return False
                except Exception as exc:
                    if db.writes != writes:  # it wrote before it failed: only a rollback can undo it
                        await _rollback(conn)
                        return False
                    answers.append((unit, uow, False, exc))
            await self._commit(conn, db)
        self._committed([uow for _, uow, ok, _ in answers if ok])
        for unit, _, ok, value in answers:
            if unit.done.done():
                continue
            if ok:
                unit.done.set_result(value)
            else:
                unit.done.set_exception(value)
        return True

    def _committed(self, uows: list[UnitOfWork]) -> None:
        wakes = False
        for uow in uows:
            for space in uow.new_spaces:
                self._spaces.setdefault((space.platform, space.external_id), space)
            wakes = wakes or uow.wakes
        if wakes:
            self.wakes.notify()

    async def _commit(self, conn: asyncpg.Connection, db: "PgDb") -> None:
        # A connection can drop after the server committed but before we hear so. The transaction id lets
        # us ask afterwards, so a saved change is never reported as lost (nor a lost one as saved). Writes
        # with a RETURNING clause bring the id along; only otherwise is it asked for here.
        xid = db.xid
        if xid is None and db.wrote:
            xid = await conn.fetchval("SELECT txid_current_if_assigned()")
        try:
            await conn.execute("COMMIT")
        except Exception:
            discard(conn)  # in an unknown state: the pool replaces it
            if xid is None or not await self._landed(xid):
                raise

    async def _landed(self, xid: int) -> bool:
        """Did transaction `xid` commit? Asked on a fresh connection after the first one died at COMMIT."""
        for attempt in range(30):
            with contextlib.suppress(StoreUnavailable):
                async with self.connection() as conn:
                    status = await conn.fetchval("SELECT txid_status($1)", xid)
                if status != "in progress":  # the server may not have noticed the dead connection yet
                    log.warning("a commit lost its answer; transaction %s is %s", xid, status)
                    return status == "committed"
            await asyncio.sleep(0.1 * min(attempt + 1, 5))
        return False


_PARAM = re.compile(r"\$(\d+)")
_TARGET = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)


def _independent(statements: list[str]) -> bool:
    """No statement writes a table another of them names: together they mean what they mean in order."""
    targets = [_TARGET.match(sql) for sql in statements]
    if not all(targets):
        return False
    for i, target in enumerate(targets):
        named = re.compile(rf"\b{target.group(1)}\b", re.IGNORECASE)
        if any(named.search(other) for j, other in enumerate(statements) if j != i):
            return False
    return True


@functools.lru_cache(maxsize=256)
def _combined(statements: tuple[tuple[str, int], ...]) -> str | None:
    """One statement doing all of `statements` ((sql, number of arguments) each), or None when they
    cannot be done together."""
    if not _independent([sql for sql, _ in statements]):
        return None
    parts, shift = [], 0
    for i, (sql, count) in enumerate(statements):
        parts.append(f"w{i} AS ({_PARAM.sub(lambda m, k=shift: f'${int(m.group(1)) + k}', sql)})")
        shift += count
    return f"WITH {', '.join(parts)} SELECT txid_current()"


def _may_write(sql: str) -> bool:
    return not sql.lstrip()[:6].upper().startswith("SELECT") or " RETURNING " in sql


class PgDb:
    """Runs the shared statements on one asyncpg connection, with PostgreSQL's row locks."""

    def __init__(self, conn: asyncpg.Connection):
        self.conn = conn
        self.xid: int | None = None  # the transaction's id, once a write has told it
        self.wrote = False
        self.writes = 0  # statements that may have written (group commit asks whether a unit did)
        self._later: list[tuple[str, tuple[Any, ...]]] = []  # writes not sent yet (see `later`)
        self.settled: set[Hashable] = set()  # this unit's own (see storage.uow.Db)

    def locking(self, alias: str, share: bool = False) -> str:
        # Commands that change a debate queue on its row, in one order everywhere; votes on one debate go
        # side by side (FOR SHARE), and a phase change waits for them.
        return f" FOR {'SHARE' if share else 'NO KEY UPDATE'} OF {alias}"

    def skip_locked(self, alias: str) -> str:
        return f" FOR UPDATE OF {alias} SKIP LOCKED"

    def utc_text(self, column: str) -> str:
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"

    def csv_line(self, fields: list[tuple[str, str]]) -> str:
        """One CSV line from (kind, column) fields, as Python's csv.writer writes the text tuples."""
        args = []
        for kind, column in fields:
            if kind == "time":
                args.append(iso(self, column))
            elif kind == "number":
                args.append(column)
            else:
                args.append(f"CASE WHEN strpos({column}, ',') > 0 OR strpos({column}, '\"') > 0 OR "
                            f"strpos({column}, chr(13)) > 0 OR strpos({column}, chr(10)) > 0 "
                            f"THEN '\"' || replace({column}, '\"', '\"\"') || '\"' ELSE {column} END")
        return f"format('{','.join(['%s'] * len(args))}' || chr(13) || chr(10), {', '.join(args)})"

    def csv_join(self, line: str, key: str) -> str:
        return f"convert_to(string_agg({line}, '' ORDER BY {key}), 'UTF8')"

    def _noting_xid(self, sql: str) -> str:
        if self.xid is None and " RETURNING " in sql:
            return sql + ", txid_current() AS txid_"
        return sql

    def _note(self, row: Any) -> None:
        if row is not None and self.xid is None and "txid_" in row.keys():
            self.xid = row["txid_"]
        self.wrote = self.wrote or row is None

    async def later(self, sql: str, *args: Any) -> None:
        self.wrote = True
        self.writes += 1
        self._later.append((sql, args))

    async def flush(self) -> None:
        """Send the writes kept for later: in one statement when they touch different tables (as the
        data-modifying parts of one WITH, which all run on the statement's snapshot), else in order. The
        statement also tells the transaction's id (see `_commit`)."""
        pending, self._later = self._later, []
        if not pending:
            return
        combined = _combined(tuple((sql, len(args)) for sql, args in pending))
        if combined is None:
            for sql, args in pending:
                await self.conn.execute(sql, *args)
            return
        xid = await self.conn.fetchval(combined, *(value for _, args in pending for value in args))
        self.xid = self.xid if self.xid is not None else xid

    async def one(self, sql: str, *args: Any) -> Any:
        if self._later:
            await self.flush()
        self.writes += _may_write(sql)
        row = await self.conn.fetchrow(self._noting_xid(sql), *args)
        if " RETURNING " in sql:
            self._note(row)
        return row

    async def all(self, sql: str, *args: Any) -> list[Any]:
        if self._later:
            await self.flush()
        self.writes += _may_write(sql)
        found = await self.conn.fetch(sql, *args)
        self.wrote = self.wrote or " RETURNING " in sql
        return found

    async def value(self, sql: str, *args: Any) -> Any:
        row = await self.one(sql, *args)
        return row[0] if row is not None else None

    async def tuples(self, sql: str, *args: Any) -> list[tuple]:
        return [tuple(r) for r in await self.conn.fetch(sql, *args)]

    async def run(self, sql: str, *args: Any) -> int:
        """Rows an INSERT/UPDATE/DELETE touched, from its command tag ("INSERT 0 1", "UPDATE 3")."""
        if self._later:
            await self.flush()
        self.wrote = True
        self.writes += 1
        return int((await self.conn.execute(sql, *args)).rsplit(" ", 1)[-1])
