"""A real PostgreSQL database for the tests: one fresh database per test session, emptied before each test.

The database is created next to the one STEELMAN_TEST_POSTGRES_URL names (never that one, nor any other)
and dropped when the session ends. Emptying is a TRUNCATE of every table but schema_migrations, with the
identities restarted, so ids begin at 1 as in a new SQLite file; the migrations ran once, at creation.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import uuid
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import asyncpg

from storage.postgres.store import PostgresStore

_state: dict[str, str] = {}


def with_database(url: str, name: str) -> str:
    """The same server and user, another database."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


async def admin(url: str, sql: str) -> None:
    """Run one statement (CREATE or DROP DATABASE) on its own connection."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _drop_at_exit(url: str, name: str) -> None:
    async def drop() -> None:
        await admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(lambda: asyncio.run(drop()))


async def session_database(url: str) -> str:
    """The URL of this session's database, created (and migrated) on first use."""
    if "url" not in _state:
        name = f"steelman_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        await admin(url, f'CREATE DATABASE "{name}"')
        _drop_at_exit(url, name)
        _state["url"] = with_database(url, name)
        store = PostgresStore(_state["url"])
        await store.open()  # applies the migrations once for the whole session
        await store.close()
    return _state["url"]


async def empty(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT quote_ident(tablename) AS t FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'"
        )
        # Tests may leave rows in tables of their own (the scale worker's log); those go as well.
        await conn.execute(f"TRUNCATE {', '.join(r['t'] for r in tables)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


async def empty_database(url: str) -> str:
    """This session's database, emptied: its URL, for tests that connect on their own (subprocesses)."""
    db = await session_database(url)
    await empty(db)
    return db


@asynccontextmanager
async def fresh_postgres_store(url: str, **options):
    """An opened PostgresStore on an empty database (this session's), closed afterwards."""
    db = await empty_database(url)
    store = PostgresStore(db, **options)
    await store.open()
    try:
        yield store
    finally:
        await store.close()
