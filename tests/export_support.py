"""Shared by the export tests: the demo debate on a store, every format exported, files opened."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from adapters.console.demo import SCRIPT, play
from bot import export
from bot.steelman import Extractive
from tests.test_console import console

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def demo(store) -> object:
    """Play the console demo on `store`; its community."""
    await play(console(store, []), SCRIPT)  # the main demo debate (and the scheduled one), not the ITT one
    spaces = await store.transact(lambda uow: uow.spaces())
    return spaces[0]


async def exported(store, space, fmt: str, debate_id=None, pseudonymize=False) -> bytes:
    source = await export.source_for(store.transact, space, debate_id, pseudonymize, NOW)
    out = io.BytesIO()
    await export.write(fmt, source, out, NOW, Extractive(), export.space_record(space, pseudonymize))
    return out.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def all_bytes(fmt: str, data: bytes) -> bytes:
    """Every byte a member could read: a zip's members decompressed."""
    return b"\n".join(unzip(data).values()) if fmt in ("csv", "polis") else data


def polis_conversation(folder: Path):
    """Reads a Polis export exactly as the steelman benchmark reads ../shared/data/polis/: groups,
    comments not moderated out, each voter's last vote."""
    from bench.steelman import _conversation

    return _conversation(folder)


def schema() -> dict:
    return json.loads(export.schema())


__all__ = ["Counter", "NOW", "all_bytes", "csv_rows", "demo", "exported", "polis_conversation", "schema", "unzip"]
