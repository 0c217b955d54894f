"""Exports of a community's record, in every format, for moderators (in chat) and operators (CLI).

    source = await export.source_for(read, space, debate_id, pseudonymize, now)
    await export.write("csv", source, out, now, summarizer, space)

Every format reads through `Source` (pages through the store port, pseudonyms applied) and writes to a
binary file as it reads. The JSON schema of `json` and `jsonl` ships as `bot/export/schema.json`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from importlib.resources import files
from typing import IO

from bot.domain import Space
from bot.errors import UserError
from bot.export.html import write_html
from bot.export.markdown import write_markdown
from bot.export.polis import write_polis
from bot.export.source import Pseudonyms, Reader, Source
from bot.export.tables import SCHEMA_VERSION, write_csv, write_json, write_jsonl
from bot.ports import Summarizer

# name -> (file suffix, media type, what it is)
FORMATS: dict[str, tuple[str, str, str]] = {
    "csv": (".zip", "application/zip", "a zip of one CSV per table, the steelman's included"),
    "json": (".json", "application/json", "one nested document with a schema version"),
    "jsonl": (".jsonl", "application/x-ndjson", "one record per line, for large exports"),
    "md": (".md", "text/markdown", "a readable transcript with results and steelman"),
    "html": (".html", "text/html", "a self-contained report with charts"),
    "polis": (".zip", "application/zip", "Polis's export layout (comments, votes, participants-votes)"),
}


def check_format(name: str) -> str:
    key = (name or "").strip().lower()
    if key not in FORMATS:
        raise UserError(f"There is no export format {name!r}.", f"Formats: {', '.join(FORMATS)}.", option="format")
    return key


def schema() -> str:
    """The JSON Schema of the `json` document (and of each `jsonl` record)."""
    return files("bot.export").joinpath("schema.json").read_text(encoding="utf-8")


def file_name(space: Space, debate_number: int | None, fmt: str) -> str:
    which = f"debate-{debate_number}" if debate_number is not None else "all-debates"
    return f"steelman-{space.platform}-{which}{FORMATS[fmt][0]}"


def space_record(space: Space, pseudonymize: bool) -> dict[str, str]:
    """The community, as an export names it: a pseudonymised one has no platform id."""
    return {"platform": space.platform} if pseudonymize else \
        {"platform": space.platform, "id": space.external_id, "name": space.name}


async def source_for(read: Reader, space: Space, debate_id: int | None, pseudonymize: bool, now: datetime,
                     progress: Callable[[int], None] | None = None) -> Source:
    names = None
    if pseudonymize:  # the secret is made the first time and kept, so pseudonyms stay the same
        fresh = secrets.token_hex(32)
        names = Pseudonyms(await read(lambda uow: uow.space_secret(space.id, fresh, now)))
    return Source(read, space.id, debate_id, names, progress)


async def write(fmt: str, source: Source, out: IO[bytes], now: datetime, summarizer: Summarizer,
                space: dict[str, str]) -> None:
    if fmt == "csv":
        await write_csv(source, out, now, summarizer)
    elif fmt == "json":
        await write_json(source, out, now, space, summarizer)
    elif fmt == "jsonl":
        await write_jsonl(source, out, now, space, summarizer)
    elif fmt == "md":
        await write_markdown(source, out, summarizer)
    elif fmt == "html":
        await write_html(source, out, summarizer)
    else:
        await write_polis(source, out, summarizer)


__all__ = ["FORMATS", "SCHEMA_VERSION", "Source", "check_format", "file_name", "schema", "source_for", "write"]
