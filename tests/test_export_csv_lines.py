"""The CSV lines the database writes for an export are the lines Python's csv module writes for the same
rows: quoting only where needed, quotes doubled, NULL as nothing, times as `isoformat` writes them, every
script, in the order of the rows; across page boundaries; on both stores."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot import export
from bot.domain import Argument, AuditEntry, IttEntry, IttRating, Position
from bot.export import source as source_module
from bot.export.tables import COLUMNS
from bot.summaries import Rating
from tests.export_support import NOW, csv_rows, exported, unzip

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TRICKY = ("plain words", "a, comma", 'a "quote"', "two\nlines", "carriage\rreturn", "crlf\r\nend", '"',
          ",", "Ünïcödé — 日本語 ✊🏽 عربى", " leading and trailing ", "tab\there", "")


async def _tricky_space(h):
    number, thread = await h.start_debate(sides="pause, go faster", fmt="quick")
    space = (await h.store.transact(lambda uow: uow.spaces()))[0]
    debate = await h.store.transact(lambda uow: uow.debate(space.id, number))

    async def fill(uow):
        for n, text in enumerate(TRICKY * 3, start=1):
            at = T0.replace(microsecond=n * 7 if n % 2 else 0)  # with and without a fraction
            who = TRICKY[n % len(TRICKY)] or "m"
            await uow.add_argument(Argument(debate.id, 0, f"id,{n}", who, "pause", 1, text, at,
                                            rebuts=n - 1 if n > 1 else None))
            await uow.append_position(Position(debate.id, f"id,{n}", who, "go-faster", None if n % 3 else 70,
                                               None if n % 2 else text, n - 1 if n > 2 else None, 1, at))
            await uow.audit(AuditEntry(None if n % 4 else debate.id, f"mod{n}", who, "export", text, at,
                                       space_id=space.id))
            await uow.add_itt_entry(IttEntry(debate.id, 0, f"id,{n}", who, "pause", "go-faster", text, at))
            await uow.rate_itt(IttRating(debate.id, 1, f"r{n}", who, "go-faster", n % 2 == 0, at))
            await uow.rate_steelman(Rating(debate.id, "pause", f"r{n}", who, text, n % 5 + 1, text or "llm", at))
    await h.store.transact(fill)
    return space


def _python_csv(table: str, rows: list[tuple]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS[table])
    writer.writerows(rows)
    return out.getvalue().encode()


async def test_the_databases_csv_lines_are_the_csv_modules_lines_for_the_same_rows(harness, monkeypatch):
    monkeypatch.setattr(source_module, "TEXT_PAGE", 7)  # pages end mid-table, again and again
    space = await _tricky_space(harness)
    files = unzip(await exported(harness.store, space, "csv"))
    source = await export.source_for(harness.store.transact, space, None, False, NOW)
    for table in sorted(source_module.CSV_READY):
        rows = [r async for page in source.text_pages(table) for r in page]
        assert len(rows) > 7, table
        assert files[f"{table}.csv"] == _python_csv(table, rows), table
    arguments = csv_rows(files["arguments.csv"])
    assert [a["text"] for a in arguments] == list(TRICKY * 3)  # read back as written, in order
    assert arguments[0]["created_at"] == "2026-11-30T09:00:00.000007+00:00"
    assert arguments[1]["created_at"] == "2026-11-30T09:00:00+00:00" and arguments[0]["rebuts"] == ""
