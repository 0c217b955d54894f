"""Open a fresh, empty store of each kind for a test. PostgreSQL runs when STEELMAN_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from storage.sqlite.store import SqliteStore

KINDS = ["sqlite", "postgres"]
PG_URL = os.environ.get("STEELMAN_TEST_POSTGRES_URL")
PG_REQUIRED = os.environ.get("STEELMAN_REQUIRE_POSTGRES") == "1"
PG_SKIP_REASON = (
    "PostgreSQL tests need a server: set STEELMAN_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres"
)


@asynccontextmanager
async def fresh_store(kind: str, tmp_path: Path):
    if kind == "sqlite":
        store = SqliteStore(tmp_path / "steelman.db")
        await store.open()
        try:
            yield store
        finally:
            await store.close()
        return
    if not PG_URL:
        if PG_REQUIRED:
            pytest.fail("STEELMAN_REQUIRE_POSTGRES=1 but STEELMAN_TEST_POSTGRES_URL is not set")
        pytest.skip(PG_SKIP_REASON)
    from tests.pg_support import fresh_postgres_store  # the PostgreSQL issue provides this

    async with fresh_postgres_store(PG_URL) as store:
        yield store
