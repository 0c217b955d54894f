"""The tabular formats: `csv` (a zip, one CSV per table), `json` (one nested document) and `jsonl` (one
record per line). Each writes as it reads, page by page: memory holds one page, whatever the size.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import IO, Any

from bot.export import steelman
from bot.export.source import CSV_READY, Source, public, rounds_of
from bot.ports import Summarizer

SCHEMA_VERSION = "1.2"  # 1.1: each debate's steelman (with its engine) and members' ratings of it;
# 1.2: restatements, Turing-test entries and their ratings; where each steelman came from
COLUMNS: dict[str, tuple[str, ...]] = {
    "debates": ("debate", "motion", "sides", "format", "state", "phase", "started_by", "started_by_name",
                "channel_id", "thread_id", "created_at", "pre_vote_closed_at", "post_vote_closed_at", "closed_at"),
    "rounds": ("debate", "phase", "name", "duration_s", "sides", "per_person_limit"),
    "arguments": ("debate", "number", "author_id", "author_name", "side", "phase", "text", "rebuts", "created_at"),
    "endorsements": ("debate", "argument", "member_id", "member_name", "created_at"),
    "positions": ("debate", "member_id", "member_name", "side", "confidence", "reason", "credited", "phase",
                  "recorded_at"),
    "ratings": ("debate", "side", "member_id", "member_name", "member_side", "stars", "engine", "created_at"),
    "audit": ("debate", "actor_id", "actor_name", "action", "detail", "at"),
    "restatements": ("debate", "rebuttal", "restates", "text", "accepted", "judged_at"),
    "itt_entries": ("debate", "number", "author_id", "author_name", "author_side", "side", "text", "created_at"),
    "itt_ratings": ("debate", "entry", "member_id", "member_name", "member_side", "passed", "created_at"),
    "steelman": steelman.CSV_COLUMNS,
}
TEXT_TABLES = frozenset({"arguments", "endorsements", "positions", "ratings", "audit", "restatements",
                         "itt_entries", "itt_ratings"})
# what each debate holds in `json` (arrays by these names) and `jsonl` (records of these types), in order
DEBATE_TABLES = {"arguments": "argument", "restatements": "restatement", "endorsements": "endorsement",
                 "positions": "position", "ratings": "rating", "itt_entries": "itt_entry",
                 "itt_ratings": "itt_rating"}
YES_NO = frozenset({"passed", "accepted"})  # 1/0 in CSV, booleans in JSON
CSV_FILES = ("debates", "rounds", "arguments", "restatements", "endorsements", "positions", "ratings",
             "itt_entries", "itt_ratings", "steelman", "audit")


def cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else value


def _csv_row(table: str, row: dict[str, Any]) -> list[Any]:
    if table == "debates":  # a cell holds text: the sides as JSON, the format by its name
        row = {**row, "sides": json.dumps(row["sides"], ensure_ascii=False), "format": row["format"]["name"]}
    values = [row.get(c) for c in COLUMNS[table]]
    return [cell(v) if v is None or isinstance(v, datetime) else v for v in values]


async def write_csv(source: Source, out: IO[bytes], now: datetime, summarizer: Summarizer) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for table in CSV_FILES:
            with archive.open(f"{table}.csv", "w") as raw:
                if source.names is None and table in CSV_READY:  # the database writes the lines itself
                    raw.write((",".join(COLUMNS[table]) + "\r\n").encode())
                    async for lines in source.csv_pages(table):
                        raw.write(lines)
                    continue
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(COLUMNS[table])
                if table in TEXT_TABLES:  # the big ones: rows as the store wrote them, in bulk
                    async for rows in source.text_pages(table):
                        writer.writerows(rows)
                elif table == "steelman":
                    async for debate in source.rows("debates"):
                        summary = await steelman.summary(source, debate, summarizer)
                        writer.writerows(steelman.csv_rows(summary))
                else:
                    async for page in source.pages("debates"):
                        if table == "rounds":
                            writer.writerows(_csv_row(table, r) for d in page for r in rounds_of(d))
                        else:
                            writer.writerows(_csv_row(table, r) for r in page)
                text.flush()
                text.detach()


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in public(row).items()}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def header(source: Source, now: datetime, space: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "exported_at": now.isoformat(), "space": space,
            "pseudonymized": source.names is not None,
            "debate": None if source.debate_id is None else "selected"}


async def write_json(source: Source, out: IO[bytes], now: datetime, space: dict[str, Any],
                     summarizer: Summarizer) -> None:
    """One document; arrays are written element by element, so it streams like the others."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    head = _dumps(header(source, now, space))
    text.write(head[:-1] + ', "debates": [')
    first = True
    async for debate in source.rows("debates"):
        text.write(("" if first else ",") + "\n")
        first = False
        item = _record(debate)
        item["rounds"] = rounds_of(debate)
        body = _dumps(item)
        text.write(body[:-1])
        for table in DEBATE_TABLES:
            text.write(f', "{table}": [')
            await _array(text, source, table, debate["id"])
            text.write("]")
        summary = await steelman.summary(source, debate, summarizer)
        text.write(', "steelman": ' + _dumps(_brief(summary)) + "}")
    text.write('\n], "audit": [')
    await _array(text, source, "audit")
    text.write("]}\n")
    text.flush()
    text.detach()


def _yes_no(columns: tuple[str, ...], row: tuple) -> dict[str, Any]:
    """A record whose yes/no columns (stored 1/0, as the CSV keeps them) are JSON booleans."""
    return {c: bool(v) if c in YES_NO and v is not None else v for c, v in zip(columns, row)}


async def _array(text: io.TextIOWrapper, source: Source, table: str, debate_id: int | None = None) -> None:
    columns, first = COLUMNS[table], True
    record = _yes_no if YES_NO.intersection(columns) else lambda c, r: dict(zip(c, r))
    async for rows in source.text_pages(table, debate_id):
        for row in rows:
            text.write(("" if first else ", ") + _dumps(record(columns, row)))
            first = False


def _brief(summary: dict[str, Any]) -> dict[str, Any]:
    """A steelman inside its debate's object: without the debate number, which the debate has."""
    return {k: v for k, v in summary.items() if k != "debate"}


async def write_jsonl(source: Source, out: IO[bytes], now: datetime, space: dict[str, Any],
                      summarizer: Summarizer) -> None:
    """A header line, then one line per record, each with its `type` (the record of the JSON schema)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    text.write(_dumps({"type": "export", **header(source, now, space)}) + "\n")
    async for debate in source.rows("debates"):
        text.write(_dumps({"type": "debate", **_record(debate)}) + "\n")
        for phase in rounds_of(debate):
            text.write(_dumps({"type": "round", **phase}) + "\n")
        for table, kind in DEBATE_TABLES.items():
            await _lines(text, source, table, kind, debate["id"])
        text.write(_dumps({"type": "steelman", **await steelman.summary(source, debate, summarizer)}) + "\n")
    await _lines(text, source, "audit", "audit")
    text.flush()
    text.detach()


async def _lines(text: io.TextIOWrapper, source: Source, table: str, kind: str, debate_id: int | None = None
                 ) -> None:
    columns = ("type", *COLUMNS[table])
    record = _yes_no if YES_NO.intersection(columns) else lambda c, r: dict(zip(c, r))
    async for rows in source.text_pages(table, debate_id):
        text.writelines(_dumps(record(columns, (kind, *r))) + "\n" for r in rows)
