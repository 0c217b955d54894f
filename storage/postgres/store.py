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
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from bot.errors import StoreUnavailable
from bot.domain import DueItem
from bot.messages import OutboxItem, Receipt
from storage.postgres import migrations
from storage.postgres.errors import UNREACHABLE, discard, explain, safe_url
from storage.postgres.uow import PostgresUnitOfWork
from storage.codec import from_ts
from storage.rows import due_item, outbox_item
from storage.schema import SchemaTooNew

log = logging.getLogger("steelman.storage.postgres")

_CLAIM_DUE = """
UPDATE agenda a SET claimed_by = $1, lease_until = $2
FROM (SELECT id FROM agenda
      WHERE done_at IS NULL AND due_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
      ORDER BY due_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) c
WHERE a.id = c.id
RETURNING a.*
"""

# Only a stream's head (its oldest pending message) may be claimed, so one thread's messages go out in
# order even with several processes: the next one becomes claimable once the head is delivered or failed.
_CLAIM_OUTBOX = """
WITH heads AS (
    SELECT o.id FROM outbox o
    WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.available_at <= $1
      AND (o.lease_until IS NULL OR o.lease_until < $1)
      AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.stream = o.stream AND p.id < o.id
                      AND p.delivered_at IS NULL AND p.failed_at IS NULL)
    ORDER BY o.id LIMIT $2
    FOR UPDATE OF o SKIP LOCKED
), claimed AS (
    UPDATE outbox u SET claimed_by = $3, lease_until = $4 FROM heads WHERE u.id = heads.id RETURNING u.*
)
SELECT c.*, s.platform, s.external_id, s.name AS space_name, d.thread_id AS debate_thread,
       e.message_id AS edit_message_id
FROM claimed c
JOIN spaces s ON s.id = c.space_id
LEFT JOIN debates d ON d.id = c.debate_id
LEFT JOIN outbox e ON e.id = c.edit_of
ORDER BY c.id
"""


# One statement, so one round trip. The post that opened a thread also tells the debate where its thread
# is. It locks the outbox row, then the debate's; a command holding the debate never waits on this outbox
# row (it is claimed, so no coalescing edit matches it), so the two cannot deadlock.
_DELIVERED = """
WITH sent AS (
    UPDATE outbox SET delivered_at = $1, message_id = $2, thread_id = $3, lease_until = NULL WHERE id = $4
    RETURNING debate_id, open_thread
)
UPDATE debates d SET thread_id = $3 FROM sent
WHERE d.id = sent.debate_id AND sent.open_thread IS NOT NULL AND $3::text IS NOT NULL
"""


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
        # Steelman keeps no session state (no SET, LISTEN or session locks), so the pool need not send a
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

    async def close(self) -> None:
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

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[PostgresUnitOfWork]:
        async with self.connection() as conn:
            await conn.execute("BEGIN")
            uow = PostgresUnitOfWork(conn, self._landed, self._spaces)
            try:
                yield uow
            except UNREACHABLE:
                raise  # the connection is discarded, and the server rolls back what it was doing
            except BaseException:
                if not uow.committed:
                    await _rollback(conn)
                raise
            if not uow.committed:
                await _rollback(conn)

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

    # ---- deadlines ----------------------------------------------------------------------------------

    async def claim_due(self, now: datetime, worker: str, lease_s: float, limit: int = 50) -> list[DueItem]:
        until = now + timedelta(seconds=lease_s)
        async with self.connection() as conn:
            found = await conn.fetch(_CLAIM_DUE, worker, until, now, limit)
        return sorted((due_item(r) for r in found), key=lambda d: (d.due_at, d.id))

    async def next_due_at(self) -> datetime | None:
        return await self._min_time(
            "SELECT MIN(GREATEST(due_at, lease_until)) FROM agenda WHERE done_at IS NULL"
        )

    # ---- outbox -------------------------------------------------------------------------------------

    async def claim_outbox(self, now: datetime, worker: str, lease_s: float, limit: int = 50) -> list[OutboxItem]:
        until = now + timedelta(seconds=lease_s)
        async with self.connection() as conn:
            found = await conn.fetch(_CLAIM_OUTBOX, now, limit, worker, until)
        return [outbox_item(r) for r in found]

    async def delivered(self, item_id: int, receipt: Receipt, now: datetime) -> None:
        # The message is already out: losing this write would post it again, so retry through a blip.
        await self._retrying(self._execute, _DELIVERED, now, receipt.message_id, receipt.thread_id, item_id)

    async def delivery_failed(self, item_id: int, error: str, now: datetime, retry_at: datetime | None) -> None:
        """Try again at `retry_at`, or give up for good when it is None."""
        await self._retrying(self._execute, (
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_by = NULL, lease_until = NULL, "
            "available_at = COALESCE($2, available_at), failed_at = CASE WHEN $2::timestamptz IS NULL THEN $3::timestamptz END "
            "WHERE id = $4"
        ), error[:500], retry_at, now, item_id)

    async def next_outbox_at(self) -> datetime | None:
        # Only stream heads count: a message queued behind a leased or backing-off head is not due before it.
        return await self._min_time(
            "SELECT MIN(GREATEST(o.available_at, o.lease_until)) FROM outbox o "
            "WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox p "
            "WHERE p.stream = o.stream AND p.id < o.id AND p.delivered_at IS NULL AND p.failed_at IS NULL)"
        )

    # ---- helpers ------------------------------------------------------------------------------------

    async def _execute(self, sql: str, *args: Any) -> None:
        async with self.connection() as conn:
            await conn.execute(sql, *args)

    async def _retrying(self, step: Any, *args: Any, attempts: int = 4) -> None:
        for attempt in range(attempts):
            try:
                return await step(*args)
            except StoreUnavailable:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))

    async def _min_time(self, sql: str) -> datetime | None:
        async with self.connection() as conn:
            return from_ts(await conn.fetchval(sql))
