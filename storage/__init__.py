"""Stores implementing the core's Store port. `open_store` picks one from the `[storage] url` setting."""

from __future__ import annotations

from typing import Any


def make_store(url: str, password: str | None = None, synchronous: str = "FULL", busy_timeout_ms: int = 3000,
               **options: Any) -> Any:
    """Build (not yet open) the store a URL names: sqlite:///path or postgresql://user@host/db."""
    if url.startswith("sqlite:"):
        from storage.sqlite.store import SqliteStore

        return SqliteStore.from_url(url, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms)
    if url.startswith(("postgresql://", "postgres://")):
        from storage.postgres.store import PostgresStore  # needs the `postgres` extra

        return PostgresStore(url, password=password, **options)
    raise ValueError(f"unknown storage url {url!r}: use sqlite:///PATH or postgresql://USER@HOST/DB")
