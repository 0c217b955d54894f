"""One debate read whole, for the readable formats (Markdown, HTML, Polis): its arguments, endorsements,
positions, results and steelman. These hold one debate at a time; the tabular formats stream instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot import results
from bot.domain import UNDECIDED, Debate, Format, Position, RoundSpec, Side, State
from bot.export.posted import steelman_of
from bot.export.source import Source
from bot.handlers.common import side_then
from bot.ports import Summarizer
from bot.results import Results
from bot.summaries import ArgumentView, SteelmanReport


READ_WHOLE = ("arguments", "endorsements", "positions", "restatements", "itt_entries", "itt_ratings")


@dataclass
class DebateDoc:
    debate: Debate
    row: dict[str, Any]
    arguments: list[dict[str, Any]]
    endorsements: list[dict[str, Any]]
    positions: list[dict[str, Any]]
    outcome: Results
    report: SteelmanReport
    endorsed: Counter = field(default_factory=Counter)  # argument number -> endorsements
    rebuttals: dict[int, list[int]] = field(default_factory=dict)  # argument -> the arguments answering it
    engine: tuple[str, str | None] = ("extractive", None)  # who wrote `report`: engine, language model
    source: str = "export"  # `report` written at export, or "posted": as the bot posted it (export/posted.py)
    restatements: list[dict[str, Any]] = field(default_factory=list)
    itt_entries: list[dict[str, Any]] = field(default_factory=list)
    itt_ratings: list[dict[str, Any]] = field(default_factory=list)

    def names(self) -> dict[str, str]:
        """Member id -> the name shown (their latest), over everyone who took part."""
        found: dict[str, str] = {}
        for rows, id_column, name_column in ((self.arguments, "author_id", "author_name"),
                                             (self.endorsements, "member_id", "member_name"),
                                             (self.positions, "member_id", "member_name")):
            found.update((r[id_column], r[name_column]) for r in rows if r[id_column])
        return found


def engine_line(engine: str | None, model: str | None, note: str = "") -> str:
    """How a readable export says who wrote its steelman (and the report's note on it, if any)."""
    if engine == "llm":
        said = f"Written by a language model ({model or 'unnamed'}) from members' arguments; quotes checked."
    else:
        said = f"Chosen from members' own words by the {engine} engine."
    return f"{said} {note}" if note else said


def debate_of(row: dict[str, Any]) -> Debate:
    """A Debate from an exported debate row (the fields results and labels need)."""
    fmt = row["format"]
    rounds = tuple(RoundSpec(r["name"], timedelta(seconds=r["duration"]),
                             tuple(r["sides"]) if r["sides"] else None, r["per_person_limit"]) for r in fmt["rounds"])
    return Debate(row["id"], 0, row["debate"], row["motion"], tuple(Side(k, label) for k, label in row["sides"]),
                  Format(fmt["name"], timedelta(seconds=fmt["pre_vote"]), rounds, timedelta(seconds=fmt["post_vote"])),
                  State(row["state"]), row["phase"], None, row["channel_id"] or "", row["thread_id"],
                  row["started_by"], row["started_by_name"], row["created_at"],
                  row["pre_vote_closed_at"], row["post_vote_closed_at"], row["closed_at"])


def _position(debate_id: int, r: dict[str, Any]) -> Position:
    return Position(debate_id, r["member_id"], r["member_name"], r["side"], r["confidence"], r["reason"],
                    r["credited"], r["phase"], r["recorded_at"], r["id"])


async def load(source: Source, row: dict[str, Any], summarizer: Summarizer) -> DebateDoc:
    debate = debate_of(row)
    tables = {t: [r async for r in source.rows(t, row["id"])] for t in READ_WHOLE}
    positions = [_position(debate.id, r) for r in tables["positions"]]
    history: dict[str, list] = {}
    for p in positions:
        history.setdefault(p.member_id, []).append((p.recorded_at, p.side))
    endorsers: dict[int, list[tuple[str, str]]] = {}
    for e in tables["endorsements"]:
        side = side_then(history.get(e["member_id"], []), e["created_at"])
        endorsers.setdefault(e["argument"], []).append((e["member_id"], side))
    views = [ArgumentView(a["number"], a["side"], a["text"], a["author_id"], a["author_name"], a["rebuts"],
                          tuple(endorsers.get(a["number"], ()))) for a in tables["arguments"]]
    written = await steelman_of(source.read, source.space_id, debate.id, views, debate.side_keys, summarizer)
    doc = DebateDoc(debate, row, tables["arguments"], tables["endorsements"], tables["positions"],
                    results.compute(debate, positions), written.report)
    doc.engine, doc.source = (written.engine, written.model), written.source
    doc.restatements, doc.itt_entries, doc.itt_ratings = (tables[t] for t in READ_WHOLE[3:])
    doc.endorsed.update(e["argument"] for e in tables["endorsements"])
    for a in tables["arguments"]:
        if a["rebuts"]:
            doc.rebuttals.setdefault(a["rebuts"], []).append(a["number"])
    return doc


def flows(doc: DebateDoc) -> Counter:
    """(side before, side after) -> members, over those who voted in both votes: how minds moved."""
    pre: dict[str, str] = {}
    post: dict[str, str] = {}
    for p in sorted(doc.positions, key=lambda p: p["id"]):
        if p["phase"] == 0:
            pre[p["member_id"]] = p["side"]
        post[p["member_id"]] = p["side"]
    return Counter((pre[m], post.get(m, UNDECIDED)) for m in pre)


def per_phase(doc: DebateDoc) -> tuple[list[str], list[int], list[int]]:
    """Phase names with the arguments posted and the endorsements given in each."""
    fmt = doc.debate.format
    names = [fmt.phase_name(n) for n in range(fmt.post_vote_phase + 1)]
    posted = Counter(a["phase"] for a in doc.arguments)
    phase_of = {a["number"]: a["phase"] for a in doc.arguments}
    endorsed = Counter(phase_of.get(e["argument"], 0) for e in doc.endorsements)
    phases = range(len(names))
    return names, [posted[n] for n in phases], [endorsed[n] for n in phases]
