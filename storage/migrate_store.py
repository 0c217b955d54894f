"""Copy a community's whole history from its SQLite file into an empty PostgreSQL database.

    python -m bot migrate-store --from sqlite:///data/steelman.db --to postgresql://steelman@db/steelman

The tables are read from the schema (any table added by a later migration comes along without a list to
keep), copied parents first with their ids, and the PostgreSQL identities are moved past the copied ids.
The copy is one PostgreSQL transaction: it is verified (row count and checksum per table, computed from
the same canonical text on both sides) before it commits, so a failed or refused copy writes nothing.
Stop the bot first: the source is read in one snapshot, and anything written after it would not come.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from bot.errors import StoreUnavailable
from storage.codec import from_ts, ts
from storage.postgres import migrations as pg_migrations
from storage.postgres.store import PostgresStore
from storage.schema import CURRENT_VERSION, SchemaTooNew
from storage.sqlite.store import SqliteStore

BATCH = 2000
_LOCK = 0x5747_0002  # two copies into one database at once would both see it empty


class CopyRefused(Exception):
    """The copy cannot go ahead (target not empty, schemas differ, source missing); nothing was written."""


# ---- canonical form, for the checksum ------------------------------------------------------------------


def canonical(value: Any) -> str:
    """A value as SQLite holds it, so both sides hash the same text: times in the store's UTC format."""
    if value is None:
        return "\x00"
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


class Checksum:
    """Order-independent (a sum of row hashes), so neither side has to sort by PostgreSQL's collation."""

    def __init__(self) -> None:
        self.rows, self.total = 0, 0

    def add(self, row: Sequence[Any]) -> None:
        digest = hashlib.sha256("\x1f".join(canonical(v) for v in row).encode("utf-8", "surrogatepass")).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) % (1 << 256)
        self.rows += 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Checksum) and (self.rows, self.total) == (other.rows, other.total)

    def __repr__(self) -> str:
        return f"{self.rows} rows, checksum {self.total:064x}"[:40]


# ---- progress -------------------------------------------------------------------------------------------


class Progress:
    """A bar per table on a terminal; one line per table otherwise (logs, CI)."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def update(self, table: str, done: int, total: int) -> None:
        if not self.tty:
            return
        filled = int(30 * done / total) if total else 30
        self.stream.write(f"\r  {table:<14} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,}")
        self.stream.flush()

    def finish(self, table: str, total: int) -> None:
        if self.tty:
            self.update(table, total, total)
            self.stream.write("\n")
        else:
            self.stream.write(f"  {table:<14} {total:,} row{'' if total == 1 else 's'} copied\n")
        self.stream.flush()


# ---- the source: SQLite -------------------------------------------------------------------------------------


async def source_tables(db: aiosqlite.Connection) -> dict[str, list[str]]:
    """Every table of the SQLite file but the migration record, parents before children, with its columns."""
    async with db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "AND name <> 'schema_migrations' ORDER BY name") as cur:
        names = [r[0] for r in await cur.fetchall()]
    parents, columns = {}, {}
    for name in names:
        async with db.execute("SELECT \"table\" FROM pragma_foreign_key_list(?)", (name,)) as cur:
            parents[name] = {r[0] for r in await cur.fetchall()} - {name}  # a self-reference is ordered by id
        async with db.execute("SELECT name FROM pragma_table_info(?) ORDER BY cid", (name,)) as cur:
            columns[name] = [r[0] for r in await cur.fetchall()]
    return {name: columns[name] for name in dependency_order(parents)}


def dependency_order(parents: dict[str, set[str]]) -> list[str]:
    ordered: list[str] = []
    while len(ordered) < len(parents):
        ready = sorted(t for t, p in parents.items() if t not in ordered and p <= set(ordered))
        if not ready:
            raise CopyRefused(f"the tables' foreign keys form a cycle: {sorted(set(parents) - set(ordered))}")
        ordered.extend(ready)
    return ordered


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def source_rows(db: aiosqlite.Connection, table: str, cols: list[str]) -> AsyncIterator[list[tuple]]:
    # rowid order is id order, so a row that refers to an earlier row of its own table comes after it.
    sql = f"SELECT {', '.join(map(_quote, cols))} FROM {_quote(table)} ORDER BY rowid"
    async with db.execute(sql) as cur:
        while batch := await cur.fetchmany(BATCH):
            yield [tuple(r) for r in batch]


# ---- the target: PostgreSQL ---------------------------------------------------------------------------------


async def target_columns(conn: asyncpg.Connection) -> dict[str, dict[str, str]]:
    found = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    tables: dict[str, dict[str, str]] = {}
    for r in found:
        tables.setdefault(r["table_name"], {})[r["column_name"]] = r["data_type"]
    return tables


def converter(data_type: str):
    if data_type.startswith("timestamp"):
        return from_ts
    if data_type in ("smallint", "integer", "bigint"):
        return lambda v: None if v is None else int(v)
    if data_type == "boolean":
        return lambda v: None if v is None else bool(v)
    return lambda v: v


async def check_target(conn: asyncpg.Connection, tables: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    have = await target_columns(conn)
    for table, cols in tables.items():
        if table not in have or set(cols) != set(have[table]):
            raise CopyRefused(f"table {table} differs between the two databases: run `python -m bot migrate` "
                              "with the same Steelman version on both")
    for table in have:
        if table != "schema_migrations" and await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})"):
            raise CopyRefused(f"the target database is not empty (table {table} has rows): migrate-store only "
                              "copies into an empty database, so nothing is overwritten or mixed")
    return have


async def move_identities(conn: asyncpg.Connection) -> None:
    """After explicit ids were copied, new rows must get ids above them."""
    found = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for r in found:
        table, col = _quote(r["table_name"]), _quote(r["column_name"])
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({col}), 0) + 1, false) FROM {table}",
            table, r["column_name"],
        )


async def target_checksum(conn: asyncpg.Connection, table: str, cols: list[str]) -> Checksum:
    check = Checksum()
    sql = f"SELECT {', '.join(map(_quote, cols))} FROM {_quote(table)}"
    async for row in conn.cursor(sql, prefetch=BATCH):
        check.add(tuple(row))
    return check


# ---- the copy -------------------------------------------------------------------------------------------------


async def copy_table(db, conn, table: str, cols: list[str], types: dict[str, str], progress: Progress) -> Checksum:
    total = (await (await db.execute(f"SELECT COUNT(*) FROM {_quote(table)}")).fetchone())[0]
    convert = [converter(types[c]) for c in cols]
    source, done = Checksum(), 0
    async for batch in source_rows(db, table, cols):
        for row in batch:
            source.add(row)
        try:
            records = [tuple(f(v) for f, v in zip(convert, row)) for row in batch]
        except (ValueError, TypeError) as exc:
            raise CopyRefused(f"table {table} holds a value PostgreSQL's column cannot take: {exc}") from None
        await conn.copy_records_to_table(table, records=records, columns=cols)
        done += len(batch)
        progress.update(table, done, total)
    progress.finish(table, total)
    return source


async def copy_store(source_url: str, target_url: str, password: str | None = None,
                     progress: Progress | None = None) -> dict[str, int]:
    """Copy everything; returns rows per table. Raises CopyRefused, StoreUnavailable or SchemaTooNew."""
    progress = progress or Progress()
    path = source_url.removeprefix("sqlite:///")
    if not source_url.startswith("sqlite:///") or not Path(path).is_file():
        raise CopyRefused(f"--from {source_url}: no SQLite file there (use sqlite:///PATH)")
    sqlite_store, pg_store = SqliteStore(path), PostgresStore(target_url, password=password, pool_max=2)
    await sqlite_store.open()  # brings the file to the current schema, as the bot itself would
    await sqlite_store.close()
    await pg_store.open()  # creates the schema in the empty database
    try:
        async with aiosqlite.connect(path, isolation_level=None) as db:
            db.row_factory = aiosqlite.Row
            return await _copy(db, pg_store, progress)
    finally:
        await pg_store.close()


async def _copy(db: aiosqlite.Connection, pg_store: PostgresStore, progress: Progress) -> dict[str, int]:
    await db.execute("BEGIN")  # one read snapshot of the source for the copy and its checksums
    try:
        tables = await source_tables(db)
        async with db.execute(CURRENT_VERSION) as cur:
            version = int((await cur.fetchone())[0])
        async with pg_store.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK)
            if await pg_migrations.current_version(conn) != version:
                raise CopyRefused("the two databases are at different schema versions")
            types = await check_target(conn, tables)
            counts = {}
            for table, cols in tables.items():
                expected = await copy_table(db, conn, table, cols, types[table], progress)
                got = await target_checksum(conn, table, cols)
                if got != expected:  # raising rolls the whole copy back
                    raise CopyRefused(f"table {table} did not verify: source {expected!r}, target {got!r}")
                counts[table] = got.rows
            await move_identities(conn)
        return counts
    finally:
        await db.execute("ROLLBACK")


async def run(source_url: str, target_url: str, password: str | None = None) -> int:
    """The `migrate-store` command: copy, report, and exit non-zero with a clear reason when refused."""
    try:
        counts = await copy_store(source_url, target_url, password)
    except CopyRefused as exc:
        print(f"migrate-store refused: {exc}", file=sys.stderr)
        return 2
    except (StoreUnavailable, SchemaTooNew) as exc:
        print(f"migrate-store: {exc}", file=sys.stderr)
        return 2
    except asyncpg.PostgresError as exc:
        print(f"migrate-store failed, nothing was written: {exc!r}", file=sys.stderr)
        return 1
    rows = sum(counts.values())
    print(f"Copied {rows:,} rows in {len(counts)} tables; every table's row count and checksum match. "
          f"Point [storage] url at the PostgreSQL database and start the bot.")
    return 0
