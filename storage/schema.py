"""What every store's migrations share: numbered files and the refusal of a newer schema.

Each store keeps its own `NNNN_name.sql` files with the same numbers, so a version means the same tables
whichever engine holds them (and `migrate-store` can check both sides are at the same version).
"""

from __future__ import annotations

from pathlib import Path

CURRENT_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"  # the same on every engine


class SchemaTooNew(Exception):
    """The database was written by a newer Steelman; opening it with this one could lose data."""

    def __init__(self, have: int, newest: int):
        super().__init__(
            f"this database is at schema version {have}, newer than this Steelman knows ({newest}): "
            "upgrade Steelman instead of opening it with an older one"
        )
        self.have, self.newest = have, newest


def migration_files(folder: Path) -> list[tuple[int, str, str]]:
    """(version, name, sql) of every `NNNN_name.sql` in `folder`, oldest first."""
    found = []
    for path in sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version, _, name = path.stem.partition("_")
        found.append((int(version), name, path.read_text(encoding="utf-8")))
    return found
