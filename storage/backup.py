"""`python -m bot backup PATH`: a consistent copy of the store while the bot runs.

SQLite: the backup API copies a consistent snapshot page by page while writers go on; the copy is then
vacuumed, so pages freed by deletions (a forgotten member's rows) are not carried into it. PostgreSQL:
pg_dump already does this properly, so we print the command instead of reimplementing it.
"""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit


def backup(url: str, target: Path) -> str:
    """Make the copy (SQLite) or return the command that makes it (PostgreSQL); what to tell the operator."""
    if url.startswith("sqlite:///"):
        source = Path(url.removeprefix("sqlite:///"))
        if not source.exists():
            raise FileNotFoundError(f"there is no SQLite file at {source}")
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("VACUUM")
        finally:
            dst.close()
            src.close()
        partial.replace(target)
        return f"Backed up {source} to {target}."
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    command = ["pg_dump", "--format=custom", f"--file={target}", f"--host={host}",
               f"--port={parts.port or 5432}", f"--username={parts.username or 'postgres'}",
               (parts.path or "/postgres").lstrip("/")]
    return ("PostgreSQL is backed up by its own tool; run (password from the environment, PGPASSWORD):\n  "
            + shlex.join(command))
