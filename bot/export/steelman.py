"""The steelman of each debate as the exports carry it, saying which engine wrote it.

Each debate's summary is the one its space's chosen engine wrote (bot/export/posted.py): the extractive
one, written at export, or the language model's as the bot posted it when the debate closed (`source`
says which; the model is named). The streaming formats summarise a debate only up to
`SUMMARY_LIMIT` records, since a summary needs the whole debate in memory; above it the record says why it
has none, and `/steelman` or the `md` and `html` formats (which hold one debate at a time) give it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.export.document import DebateDoc, load
from bot.export.source import Source
from bot.ports import Summarizer

SUMMARY_LIMIT = 20_000  # arguments, endorsements and positions of one debate
CSV_COLUMNS = ("debate", "engine", "model", "source", "part", "side", "rank", "argument", "text", "rebuttals")


def record(number: int, doc: DebateDoc) -> dict[str, Any]:
    report = doc.report
    (engine, model), source = doc.engine, doc.source
    return {
        "debate": number, "engine": engine, "model": model, "source": source, "note": report.engine_note,
        "sides": [{"side": side, "picks": [{"argument": p.number, "text": p.text} for p in picks],
                   "points": list(report.points.get(side, []))} for side, picks in report.sides.items()],
        "common_ground": [{"argument": p.number, "text": p.text} for p in report.common_ground],
        "cruxes": [{"argument": c.number, "side": c.side, "text": c.text, "rebuttals": list(c.rebuttals)}
                   for c in report.cruxes],
    }


async def summary(source: Source, row: dict[str, Any], summarizer: Summarizer) -> dict[str, Any]:
    """The debate's steelman record (see `record`), or one saying why there is none."""
    records = await source.read(lambda uow: uow.count_records(source.space_id, row["id"]))
    if records > SUMMARY_LIMIT:
        return {"debate": row["debate"], "engine": None, "model": None, "source": None, "sides": [],
                "common_ground": [],
                "cruxes": [], "note": f"Not summarised in this format: the debate holds {records:,} records "
                                      f"(the limit is {SUMMARY_LIMIT:,}); the md or html export has it."}
    quiet = dataclasses.replace(source, progress=None)  # a second read of rows already counted once
    return record(row["debate"], await load(quiet, row, summarizer))


def csv_rows(summary: dict[str, Any]) -> list[tuple]:
    """A steelman record as rows of `steelman.csv` (CSV_COLUMNS): each side's picks and the model's
    points, the common ground and the cruxes, each row naming the engine that wrote it."""
    head = (summary["debate"], summary["engine"], summary["model"], summary["source"])
    rows: list[tuple] = []
    for side in summary["sides"]:
        rows += [(*head, "case", side["side"], n, p["argument"], p["text"], None)
                 for n, p in enumerate(side["picks"], 1)]
        rows += [(*head, "point", side["side"], n, None, text, None)
                 for n, text in enumerate(side["points"], 1)]
    rows += [(*head, "common_ground", None, n, p["argument"], p["text"], None)
             for n, p in enumerate(summary["common_ground"], 1)]
    rows += [(*head, "crux", c["side"], n, c["argument"], c["text"], " ".join(map(str, c["rebuttals"])))
             for n, c in enumerate(summary["cruxes"], 1)]
    if summary["engine"] is None:
        rows.append((*head, "none", None, None, None, summary["note"], None))
    return rows
