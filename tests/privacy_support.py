"""What the forget-me tests search after a member is forgotten: every table of the store, every export
format, and a backup of the store, byte by byte, for the member's id, names and texts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bot import export
from storage.backup import backup
from tests.export_support import all_bytes, exported


def _forms(needle: str) -> list[str]:
    """The needle as text, and as JSON writes it (escaped), which is how message bodies are stored."""
    escaped = json.dumps(needle)[1:-1], json.dumps(needle, ensure_ascii=False)[1:-1]
    return list(dict.fromkeys([needle, *escaped]))


def _found(haystack: str, needles: list[str]) -> list[str]:
    return [n for needle in needles for n in _forms(needle) if n in haystack]


async def traces(store, space, needles: list[str], tmp_path: Path) -> dict[str, list[str]]:
    """Where any needle still is: `table:<name>`, `export:<format>`, `backup` -> the needles found there."""
    found: dict[str, list[str]] = {}
    with sqlite3.connect(f"file:{store.path}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            text = "\n".join(repr(r) + "\n" + "\n".join(str(v) for v in r) for r in rows)
            if hits := _found(text, needles):
                found[f"table:{table}"] = hits
    for fmt in export.FORMATS:
        data = all_bytes(fmt, await exported(store, space, fmt)).decode("utf-8")
        if hits := _found(data, needles):
            found[f"export:{fmt}"] = hits
    copy = tmp_path / "after-forget.db"
    backup(f"sqlite:///{store.path}", copy)
    raw = copy.read_bytes()
    if hits := [n for needle in needles for n in _forms(needle) if n.encode("utf-8") in raw]:
        found["backup"] = hits
    return found


async def space_of(store, platform: str):
    spaces = await store.transact(lambda uow: uow.spaces())
    return next(s for s in spaces if s.platform == platform)
