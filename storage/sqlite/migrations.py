"""Named, numbered migrations, each recorded in the same transaction as its change.

Files are `NNNN_name.sql` beside this module; PostgreSQL keeps the same numbers in its own folder.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage.schema import CURRENT_VERSION, SchemaTooNew, migration_files  # noqa: F401 (re-exported)

FOLDER = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        out, buf = [], ""
        for line in self.sql.splitlines(keepends=True):
            if line.lstrip().startswith("--"):
                continue
            buf += line
            if sqlite3.complete_statement(buf):
                out.append(buf.strip())
                buf = ""
        return [s for s in out if s.strip(" ;\n")]


def available(folder: Path = FOLDER) -> list[Migration]:
    return [Migration(version, name, sql) for version, name, sql in migration_files(folder)]


def current_version(db: sqlite3.Connection) -> int:
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return int(db.execute(CURRENT_VERSION).fetchone()[0])


def migrate(db: sqlite3.Connection) -> list[int]:
    """Apply what is missing; refuse a database written by a newer version. Runs on the store's thread."""
    known = available()
    have = current_version(db)
    newest = known[-1].version if known else 0
    if have > newest:
        raise SchemaTooNew(have, newest)
    applied = []
    for migration in known:
        if migration.version <= have:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements():
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
