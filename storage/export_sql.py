"""The statements an export reads a community's tables with, in pages: as rows, as text tuples, and as
ready CSV lines. Used by `storage.uow_records`; the same SQL on both engines, through the small dialect
hooks of each store's db (`utc_text`, `csv_line`, `csv_join`).
"""

from __future__ import annotations

from typing import Any

# Each exported table: its columns, the table with its alias, the key it is paged by (unique, in order).
# Paging by key keeps memory bounded and every page an index range scan, however many rows there are.
TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "debates": ("d.id, d.number AS debate, d.motion, d.sides, d.format, d.state, d.phase, d.started_by, "
                "d.started_by_name, d.channel_id, d.thread_id, d.created_at, d.pre_vote_closed_at, "
                "d.post_vote_closed_at, d.closed_at", "debates d", ("d.id",)),
    "arguments": ("a.id, d.number AS debate, a.number, a.author_id, a.author_name, a.side, a.phase, a.text, "
                  "a.rebuts, a.created_at", "arguments a JOIN debates d ON d.id = a.debate_id", ("a.id",)),
    "endorsements": ("d.number AS debate, e.argument, e.member_id, e.member_name, e.created_at, e.debate_id",
                     "endorsements e JOIN debates d ON d.id = e.debate_id",
                     ("e.debate_id", "e.argument", "e.member_id")),
    "positions": ("p.id, d.number AS debate, p.member_id, p.member_name, p.side, p.confidence, p.reason, "
                  "p.credited, p.phase, p.recorded_at", "positions p JOIN debates d ON d.id = p.debate_id",
                  ("p.id",)),
    "audit": ("m.id, d.number AS debate, m.actor_id, m.actor_name, m.action, m.detail, m.at",
              "mod_actions m LEFT JOIN debates d ON d.id = m.debate_id", ("m.id",)),
    "ratings": ("r.id, d.number AS debate, r.side, r.member_id, r.member_name, r.member_side, r.stars, "
                "r.engine, r.created_at", "steelman_ratings r JOIN debates d ON d.id = r.debate_id",
                ("r.id",)),
    "itt_entries": ("t.id, d.number AS debate, t.number, t.author_id, t.author_name, t.author_side, t.side, "
                    "t.text, t.created_at", "itt_entries t JOIN debates d ON d.id = t.debate_id", ("t.id",)),
    "itt_ratings": ("v.id, d.number AS debate, v.entry, v.member_id, v.member_name, v.member_side, v.passed, "
                    "v.created_at", "itt_ratings v JOIN debates d ON d.id = v.debate_id", ("v.id",)),
    "restatements": ("s.debate_id, s.rebuttal, d.number AS debate, s.restates, s.text, s.accepted, "
                     "s.judged_at", "restatements s JOIN debates d ON d.id = s.debate_id",
                     ("s.debate_id", "s.rebuttal")),
}
TIMES = frozenset({"created_at", "pre_vote_closed_at", "post_vote_closed_at", "closed_at", "recorded_at", "at",
                   "judged_at"})
JSON = frozenset({"sides", "format"})

# The same tables as text, for the tabular formats: the key first, then the exported columns in their
# order, with times written by the database itself as ISO 8601 with the UTC offset (as `isoformat` writes
# them: no fraction when it is zero). A row then goes to a CSV or JSON writer as it comes, unparsed.
# `@` marks a time; `#` a number (never quoted in CSV); the rest is text.
TEXT: dict[str, tuple[str, ...]] = {
    "arguments": ("a.id", "#d.number", "#a.number", "a.author_id", "a.author_name", "a.side", "#a.phase",
                  "a.text", "#a.rebuts", "@a.created_at"),
    "endorsements": ("e.debate_id", "e.argument", "e.member_id", "#d.number", "#e.argument", "e.member_id",
                     "e.member_name", "@e.created_at"),
    "positions": ("p.id", "#d.number", "p.member_id", "p.member_name", "p.side", "#p.confidence", "p.reason",
                  "#p.credited", "#p.phase", "@p.recorded_at"),
    "audit": ("m.id", "#d.number", "m.actor_id", "m.actor_name", "m.action", "m.detail", "@m.at"),
    "ratings": ("r.id", "#d.number", "r.side", "r.member_id", "r.member_name", "r.member_side", "#r.stars",
                "r.engine", "@r.created_at"),
    "itt_entries": ("t.id", "#d.number", "#t.number", "t.author_id", "t.author_name", "t.author_side",
                    "t.side", "t.text", "@t.created_at"),
    "itt_ratings": ("v.id", "#d.number", "#v.entry", "v.member_id", "v.member_name", "v.member_side",
                    "#v.passed", "@v.created_at"),
    "restatements": ("s.debate_id", "s.rebuttal", "#d.number", "#s.rebuttal", "#s.restates", "s.text",
                     "#s.accepted", "@s.judged_at"),
}


def page_sql(table: str, after: bool, debate: bool) -> str:
    columns, source, key = TABLES[table]
    alias = source.split()[1]
    where = [f"{alias}.space_id = $1"]
    n = 2
    if debate:
        where.append(f"d.id = ${n}")
        n += 1
    if after:
        marks = ", ".join(f"${n + i}" for i in range(len(key)))
        where.append(f"({', '.join(key)}) > ({marks})")
        n += len(key)
    return (f"SELECT {columns} FROM {source} WHERE {' AND '.join(where)} "
            f"ORDER BY {', '.join(key)} LIMIT ${n}")


def iso(db: Any, column: str) -> str:
    text = db.utc_text(column)
    return f"CASE WHEN substr({text}, 21) = '000000' THEN substr({text}, 1, 19) ELSE {text} END || '+00:00'"


def _bare(column: str) -> str:
    return column.lstrip("@#")


def text_sql(db: Any, table: str, after: bool, debate: bool) -> str:
    columns = ", ".join(iso(db, c[1:]) if c.startswith("@") else _bare(c) for c in TEXT[table])
    return page_sql(table, after, debate).replace(TABLES[table][0], columns, 1)


def csv_ready(table: str) -> bool:
    """Tables the database can write as CSV lines: those paged by one key column (the page's last key
    is then its largest, which an aggregate gives)."""
    return len(TABLES[table][2]) == 1 and table in TEXT


def csv_sql(db: Any, table: str, after: bool, debate: bool) -> str:
    """One page of the table as one text of CSV lines, as Python's `csv.writer` writes the text tuples of
    `text_sql` (QUOTE_MINIMAL, CRLF, NULL as nothing); with the page's row count and last key."""
    key = TABLES[table][2][0]
    fields = [("time" if c.startswith("@") else "number" if c.startswith("#") else "text", _bare(c))
              for c in TEXT[table][1:]]
    inner = page_sql(table, after, debate).replace(TABLES[table][0], f"{key} AS k, {db.csv_line(fields)} AS line",
                                                   1)
    return f"SELECT COUNT(*), MAX(k), {db.csv_join('line', 'k')} FROM ({inner}) page"
