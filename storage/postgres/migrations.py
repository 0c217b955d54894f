"""Numbered migrations on PostgreSQL, each recorded in the same transaction as its change.

The files beside this module carry the same numbers as SQLite's. Several bot processes may start at once
on a new database, so each step holds a transaction-scoped advisory lock: one process applies a
migration, the others wait, then see it recorded and move on.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

from storage.schema import CURRENT_VERSION, SchemaTooNew, migration_files

FOLDER = Path(__file__).with_name("migrations")
_LOCK = 0x5747_0001  # any fixed number: it only has to be the same in every Steelman process

_CREATE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
)


async def current_version(conn: asyncpg.Connection) -> int:
    """The version recorded in the database (0 when none is); creates nothing, so a read-only role may ask."""
    if not await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL"):
        return 0
    return int(await conn.fetchval(CURRENT_VERSION))


async def migrate(conn: asyncpg.Connection) -> list[int]:
    """Apply what is missing, one migration per transaction; refuse a database written by a newer version."""
    known = migration_files(FOLDER)
    top = known[-1][0] if known else 0
    applied: list[int] = []
    while True:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK)
            have = await current_version(conn)
            if have == 0:
                await conn.execute(_CREATE)
            if have > top:
                raise SchemaTooNew(have, top)
            step = next(((v, n, sql) for v, n, sql in known if v > have), None)
            if step is None:
                return applied
            version, name, sql = step
            await conn.execute(sql)  # a whole script: asyncpg sends it as one simple query
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())", version, name
            )
        applied.append(version)
