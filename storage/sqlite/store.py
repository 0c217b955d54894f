"""The core's Store port on SQLite through aiosqlite.

One connection and one lock: a unit of work holds the connection for its whole transaction (BEGIN
IMMEDIATE, so writers queue instead of failing half-way). WAL lets other processes read meanwhile, and the
busy timeout lets a second process on the same file wait for its turn.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.errors import StoreUnavailable
from bot.domain import DueItem
from bot.messages import OutboxItem, Receipt
from storage.codec import ts
from storage.sqlite import migrations
from storage.rows import due_item, outbox_item
from storage.sqlite.uow import SqliteUnitOfWork

_OUTBOX_HEADS = """
SELECT o.*, s.platform, s.external_id, s.name AS space_name, d.thread_id AS debate_thread,
       e.message_id AS edit_message_id
FROM outbox o
JOIN spaces s ON s.id = o.space_id
LEFT JOIN debates d ON d.id = o.debate_id
LEFT JOIN outbox e ON e.id = o.edit_of
WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.available_at <= ?
  AND (o.lease_until IS NULL OR o.lease_until < ?)
  AND o.id = (SELECT MIN(p.id) FROM outbox p
              WHERE p.stream = o.stream AND p.delivered_at IS NULL AND p.failed_at IS NULL)
ORDER BY o.id LIMIT ?
"""


class SqliteStore:
    def __init__(self, path: str | Path):
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> "SqliteStore":
        if url.startswith("sqlite://:memory:"):
            return cls(":memory:")
        return cls(url.removeprefix("sqlite:///"))

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = await aiosqlite.connect(self.path, isolation_level=None)
        except Exception as exc:  # sqlite3.OperationalError: unreadable path, directory, ...
            raise StoreUnavailable(f"cannot open the SQLite file {self.path}: {exc}") from exc
        self._db.row_factory = aiosqlite.Row
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000", "synchronous=NORMAL"):
            await self._db.execute(f"PRAGMA {pragma}")
        await migrations.migrate(self._db)

    async def close(self) -> None:
        if self._db is not None:
            async with self._lock:
                await self._db.close()
                self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreUnavailable("the store is closed")
        return self._db

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[SqliteUnitOfWork]:
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            uow = SqliteUnitOfWork(self.db)
            try:
                yield uow
            finally:
                if not uow.committed:
                    await self.db.execute("ROLLBACK")

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self.unit_of_work() as uow:
            yield self.db
            await uow.commit()

    # ---- deadlines ----------------------------------------------------------------------------------

    async def claim_due(self, now: datetime, worker: str, lease_s: float, limit: int = 50) -> list[DueItem]:
        until = ts(now + timedelta(seconds=lease_s))
        async with self._write() as db:
            async with db.execute(
                "UPDATE agenda SET claimed_by = ?, lease_until = ? WHERE id IN ("
                " SELECT id FROM agenda WHERE done_at IS NULL AND due_at <= ?"
                " AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at, id LIMIT ?)"
                " RETURNING *",
                (worker, until, ts(now), ts(now), limit),
            ) as cur:
                rows = await cur.fetchall()
        return sorted((due_item(r) for r in rows), key=lambda d: (d.due_at, d.id))

    async def next_due_at(self) -> datetime | None:
        return await self._min_time("SELECT MIN(COALESCE(MAX(due_at, lease_until), due_at)) FROM agenda "
                                    "WHERE done_at IS NULL")

    # ---- outbox -------------------------------------------------------------------------------------

    async def claim_outbox(self, now: datetime, worker: str, lease_s: float, limit: int = 50) -> list[OutboxItem]:
        until = ts(now + timedelta(seconds=lease_s))
        async with self._write() as db:
            async with db.execute(_OUTBOX_HEADS, (ts(now), ts(now), limit)) as cur:
                rows = await cur.fetchall()
            await db.executemany(
                "UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id = ?",
                [(worker, until, r["id"]) for r in rows],
            )
        return [outbox_item(r) for r in rows]

    async def delivered(self, item_id: int, receipt: Receipt, now: datetime) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE outbox SET delivered_at = ?, message_id = ?, thread_id = ?, lease_until = NULL "
                "WHERE id = ?",
                (ts(now), receipt.message_id, receipt.thread_id, item_id),
            )
            # The post that opened a thread tells the debate where its thread is.
            await db.execute(
                "UPDATE debates SET thread_id = ? WHERE id = (SELECT debate_id FROM outbox "
                "WHERE id = ? AND open_thread IS NOT NULL) AND ? IS NOT NULL",
                (receipt.thread_id, item_id, receipt.thread_id),
            )

    async def delivery_failed(self, item_id: int, error: str, now: datetime, retry_at: datetime | None) -> None:
        """Try again at `retry_at`, or give up for good when it is None."""
        async with self._write() as db:
            await db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, claimed_by = NULL, "
                "lease_until = NULL, available_at = COALESCE(?, available_at), "
                "failed_at = CASE WHEN ? IS NULL THEN ? END WHERE id = ?",
                (error[:500], ts(retry_at), ts(retry_at), ts(now), item_id),
            )

    async def next_outbox_at(self) -> datetime | None:
        # Only stream heads count: a message queued behind a leased or backing-off head is not due before
        # it, and counting it would wake the agenda loop in a busy spin until the head moves.
        return await self._min_time(
            "SELECT MIN(COALESCE(MAX(o.available_at, o.lease_until), o.available_at)) FROM outbox o "
            "WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.id = (SELECT MIN(p.id) FROM outbox p "
            "WHERE p.stream = o.stream AND p.delivered_at IS NULL AND p.failed_at IS NULL)"
        )

    async def _min_time(self, sql: str) -> datetime | None:
        from storage.codec import from_ts

        async with self._lock:
            async with self.db.execute(sql) as cur:
                row = await cur.fetchone()
        return from_ts(row[0]) if row and row[0] else None
