"""The `md` format: a readable transcript of each debate with its results and steelman."""

from __future__ import annotations

import io
from typing import IO

from bot.domain import UNDECIDED
from bot.export import itt_section
from bot.export.document import DebateDoc, engine_line, load
from bot.export.source import Source
from bot.ports import Summarizer


def _verdict(doc: DebateDoc) -> str:
    r, d = doc.outcome, doc.debate
    if r.winner == "tie":
        return "No single side gained most: a tie."
    if r.winner:
        return f"{d.label(r.winner)} gained most ({r.gains[r.winner]:+.0f} points)."
    return "Not enough votes before and after to name a winner."


def transcript(doc: DebateDoc) -> list[str]:
    d, r = doc.debate, doc.outcome
    lines = [f"# Debate #{d.number}: {d.motion}", "",
             f"Sides: {', '.join(s.label for s in d.sides)} · format {d.format.name} · {d.phase_name}", "",
             "## Timeline", ""]
    lines += [f"{n}. {d.format.phase_name(n)} ({d.format.phase_duration(n).total_seconds() / 60:.0f} min)"
              for n in range(d.format.post_vote_phase + 1)]
    lines += ["", "## Results", "", _verdict(doc), ""]
    lines += [f"- {d.label(k)}: {r.share(k, 'pre'):.0f}% → {r.share(k, 'post'):.0f}%"
              for k in (*d.side_keys, UNDECIDED)]
    lines += [f"- {m.member_name} moved {d.label(m.before)} → {d.label(m.after)}"
              + (f" (credits #{m.credited})" if m.credited else "") for m in r.moves]
    lines += ["", "## Arguments", ""]
    for side in d.sides:
        lines += [f"### {side.label}", ""]
        for a in (a for a in doc.arguments if a["side"] == side.key):
            extra = [f"rebuts #{a['rebuts']}"] if a["rebuts"] else []
            extra.append(f"{doc.endorsed[a['number']]} endorsements")
            if a["number"] in doc.rebuttals:
                extra.append("answered by " + ", ".join(f"#{n}" for n in doc.rebuttals[a["number"]]))
            author = a["author_name"] or "(removed)"
            lines.append(f"- **#{a['number']}** {a['text']} — {author}, {d.format.phase_name(a['phase'])}; "
                         + "; ".join(extra))
        lines.append("")
    lines += itt_section.markdown(doc)
    lines += ["## Steelman", "", f"_{engine_line(*doc.engine, doc.report.engine_note)}_", ""]
    for side in d.sides:
        picks = doc.report.sides.get(side.key, [])
        lines.append(f"**The case for {side.label}**: " + (" ".join(f"#{p.number} “{p.text}”" for p in picks)
                                                            or "no arguments."))
    common = " ".join(f"#{p.number} “{p.text}”" for p in doc.report.common_ground) or ("none yet." if d.state.active else "none.")
    lines += ["", f"**Common ground**: {common}", ""]
    cruxes = "; ".join(f"#{c.number} answered by {', '.join(f'#{n}' for n in c.rebuttals)}"
                       for c in doc.report.cruxes) or "none."
    lines += [f"**Open cruxes**: {cruxes}", ""]
    return lines


async def write_markdown(source: Source, out: IO[bytes], summarizer: Summarizer) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    async for row in source.rows("debates"):
        text.write("\n".join(transcript(await load(source, row, summarizer))) + "\n")
    text.flush()
    text.detach()
