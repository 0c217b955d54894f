"""Is this file ours, whole, writable, and still the file we opened? Checked before Steelman writes to it.

A file is ours when it is empty (a new database) or carries our `application_id` (older Steelman files,
from before the mark, are recognised by their migrations table and marked). Anything else (another
application's database, random bytes, corrupt pages, a foreign `schema_migrations`) is refused with the
file left as it was. While the bot runs, the file must stay the one it opened: deleted or replaced, the
bot stops writing instead of acknowledging writes into a file nobody will open again.
"""

from __future__ import annotations

import os
import sqlite3

from bot.errors import StoreUnavailable

APPLICATION_ID = 0x53544D4E  # "STMN"
_OURS_V1 = "initial"  # the name of our first migration, in schema_migrations


def check_before_use(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a file that is not a Steelman database or an empty one, or that is damaged."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        status = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:  # "file is not a database", a malformed image
        raise StoreUnavailable(f"{path} is not a readable SQLite database ({exc}); nothing was changed: "
                               "point [storage] url at a Steelman database or a new file") from None
    if status != "ok":
        raise StoreUnavailable(f"{path} is damaged (integrity check: {status}); nothing was changed: restore "
                               "a backup (with its -wal file, if it had one) or start from a new file")
    if app_id == APPLICATION_ID or (not tables and app_id == 0):
        if app_id == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        return
    if app_id == 0 and _older_steelman(conn, tables):
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        return
    raise StoreUnavailable(f"{path} holds another application's data (application id {app_id}, tables: "
                           f"{', '.join(sorted(tables))[:200]}); nothing was changed: point [storage] url at a "
                           "Steelman database or a new file")


def _older_steelman(conn: sqlite3.Connection, tables: set[str]) -> bool:
    if not {"schema_migrations", "spaces", "debates"} <= tables:
        return False
    try:
        row = conn.execute("SELECT name FROM schema_migrations WHERE version = 1").fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == _OURS_V1


def check_writable(conn: sqlite3.Connection, path: str) -> None:
    """Fail at start, not at the first command, when the file or its folder cannot be written."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise StoreUnavailable(f"{path} cannot be written ({exc}): check the file's and its folder's "
                               "permissions, and the disk") from None


def identity(path: str) -> tuple[int, int] | None:
    if path == ":memory:":
        return None
    st = os.stat(path)
    return st.st_dev, st.st_ino


def moved(path: str, opened: tuple[int, int] | None) -> str | None:
    """Why the file is no longer the one opened (deleted, replaced), or None."""
    if opened is None:
        return None
    try:
        now = identity(path)
    except FileNotFoundError:
        return f"the database file {path} was deleted while the bot ran: stopping writes (restore it and restart)"
    if now != opened:
        return f"the database file {path} was replaced while the bot ran: stopping writes (restart to use it)"
    return None
