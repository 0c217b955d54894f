"""The core's Store port on PostgreSQL through asyncpg, for several bot processes on one database.

A pool of connections; a unit of work is one transaction on one of them. Work that runs outside commands
(due deadlines, outbox messages) is claimed with `FOR UPDATE SKIP LOCKED` plus a lease: concurrent claimers
never take the same row, and a row whose lease ran out (its process died) is claimable again. A dropped
connection surfaces as `StoreUnavailable`; the pool replaces the connection on the next acquire.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import asyncpg

from bot.errors import StoreUnavailable
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
        """Run `work(uow)` in one transaction on a pooled connection; its result once committed. If it
        raises, the transaction is rolled back and the exception comes back here."""
        async with self.connection() as conn:
            await conn.execute("BEGIN")
            db = PgDb(conn)
            uow = UnitOfWork(db, self._spaces)
            try:
                value = await work(uow)
            except UNREACHABLE:
                raise  # the connection is discarded, and the server rolls back what it was doing
            except BaseException:
                await _rollback(conn)
                raise
            await self._commit(conn, db)
        for space in uow.new_spaces:
            self._spaces.setdefault((space.platform, space.external_id), space)
        if uow.wakes:
            self.wakes.notify()
        return value

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


class PgDb:
    """Runs the shared statements on one asyncpg connection, with PostgreSQL's row locks."""

    def __init__(self, conn: asyncpg.Connection):
        self.conn = conn
        self.xid: int | None = None  # the transaction's id, once a write has told it
        self.wrote = False

    def locking(self, alias: str, share: bool = False) -> str:
        # Commands that change a debate queue on its row, in one order everywhere; votes on one debate go
        # side by side (FOR SHARE), and a phase change waits for them.
        return f" FOR {'SHARE' if share else 'NO KEY UPDATE'} OF {alias}"

    def skip_locked(self, alias: str) -> str:
        return f" FOR UPDATE OF {alias} SKIP LOCKED"

    def _noting_xid(self, sql: str) -> str:
        if self.xid is None and " RETURNING " in sql:
            return sql + ", txid_current() AS txid_"
        return sql

    def _note(self, row: Any) -> None:
        if row is not None and self.xid is None and "txid_" in row.keys():
            self.xid = row["txid_"]
        self.wrote = self.wrote or row is None

    async def one(self, sql: str, *args: Any) -> Any:
        row = await self.conn.fetchrow(self._noting_xid(sql), *args)
        if " RETURNING " in sql:
            self._note(row)
        return row

    async def all(self, sql: str, *args: Any) -> list[Any]:
        found = await self.conn.fetch(sql, *args)
        self.wrote = self.wrote or " RETURNING " in sql
        return found

    async def value(self, sql: str, *args: Any) -> Any:
        row = await self.one(sql, *args)
        return row[0] if row is not None else None

    async def run(self, sql: str, *args: Any) -> int:
        """Rows an INSERT/UPDATE/DELETE touched, from its command tag ("INSERT 0 1", "UPDATE 3")."""
        self.wrote = True
        return int((await self.conn.execute(sql, *args)).rsplit(" ", 1)[-1])
