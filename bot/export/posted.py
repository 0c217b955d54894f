"""Which steelman an export carries for a debate: the space's chosen engine's.

A space that chose the extractive engine gets it, written at export (it is deterministic: the same
picks members were shown). A space that chose the language model gets the model's steelman as the bot
posted it when the debate closed (stored then, `StoredSteelman`): an export never asks the model again,
since it runs inside a command's transaction or as a job, would pay for a call per side per debate, and
could get a different answer from the one members read. Each side's stored points are used only if they
summarise the same picks as now (a forgotten member's arguments, or a moderator's deletion, change them:
their stored steelman is deleted with them); otherwise that side shows members' own words, and the note
says so. Without a stored one, the points this bot process already wrote for the same picks (a member's
/steelman of an open debate) are used if every side has them; else members' own words, and the note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.ports import Summarizer
from bot.summaries import ArgumentView, SteelmanReport, picks_digest

PER_SIDE = 3


@dataclass(frozen=True)
class Written:
    report: SteelmanReport
    engine: str  # "extractive" or "llm"
    model: str | None  # the language model, for "llm"
    source: str  # "export": written now; "posted": as the bot posted it when the debate closed;
    # "cached": the model's answer this bot process already wrote for the same picks (for /steelman)


def _cached(report: SteelmanReport, summarizer: Summarizer) -> Written | None:
    """The model's points this bot already wrote for every side's current picks (for /steelman), if it
    has them for each side with picks: the summary members were shown, asked of no one again."""
    choose = getattr(summarizer, "for_engine", None)
    llm = choose("llm") if choose is not None else None
    known = getattr(llm, "known", None)
    if known is None:
        return None
    points = {side: known(side, picks) for side, picks in report.sides.items() if picks}
    if not points or any(p is None for p in points.values()):
        return None
    report.points.update({side: list(p) for side, p in points.items() if p is not None})
    report.engine = "llm"
    report.engine_note = ("The language model's steelman this bot wrote earlier from the same arguments (for "
                          "/steelman); the export did not ask the model again.")
    return Written(report, "llm", getattr(llm, "model", "") or None, "cached")


def _extractive_engine(summarizer: Summarizer) -> Any:
    choose = getattr(summarizer, "for_engine", None)
    return choose("extractive") if choose is not None else summarizer


async def steelman_of(read: Any, space_id: int, debate_id: int, arguments: list[ArgumentView],
                      sides: tuple[str, ...], summarizer: Summarizer) -> Written:
    report = _extractive_engine(summarizer).summarize(arguments, sides, PER_SIDE)
    if await read(lambda uow: uow.steelman_engine(space_id)) != "llm":
        return Written(report, report.engine, None, "export")
    stored = await read(lambda uow: uow.stored_steelman(debate_id))
    if stored is None and (cached := _cached(report, summarizer)) is not None:
        return cached
    if stored is None:
        report.engine_note = ("This community chose the language model, but no steelman of it is kept for this "
                              "debate (it is kept when the model writes a closed debate's steelman), so this "
                              "export shows members' own words.")
        return Written(report, report.engine, None, "export")
    changed = []
    for side, (digest, points) in stored.sides.items():
        if digest == picks_digest(report.sides.get(side, [])):
            report.points[side] = list(points)
        else:
            changed.append(side)
    when = stored.written_at.strftime("%Y-%m-%d %H:%M UTC")
    notes = [f"The language model's steelman as posted when the debate closed ({when}); the export did not "
             "ask the model again."]
    if stored.note:
        notes.append(stored.note)
    if changed:
        notes.append(f"Arguments of {', '.join(changed)} changed since, so that side shows members' own words.")
    report.engine_note = " ".join(notes)
    if not report.points:
        return Written(report, "extractive", None, "export")
    report.engine = "llm"
    return Written(report, "llm", stored.model or None, "posted")
