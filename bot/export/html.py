"""The `html` format: a self-contained report that opens offline, charts embedded as PNG data.

Nothing in it points outside the file: no script, no stylesheet, font or image URL.
"""

from __future__ import annotations

import base64
import io
from html import escape
from typing import IO

from bot.domain import UNDECIDED
from bot.export import charts, itt_section, opinion_section
from bot.export.document import DebateDoc, engine_line, flows, load, per_phase
from bot.export.markdown import _verdict
from bot.export.source import Source
from bot.messages import Chart
from bot.ports import Summarizer

STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}section{margin:1.5rem 0}.side{border-left:4px solid #4c72b0;padding-left:.8rem}
.arg{margin:.5rem 0}.meta{color:#666;font-size:.85em}figure.chart img{max-width:100%;height:auto}
.note{background:#fff4d6;padding:.5rem}"""


def _figure(name: str, number: int, caption: str, png: bytes | None) -> str:
    """One chart; its id names the debate too, so a report of several debates has no id twice."""
    if png is None:
        return f'<p class="note">{escape(charts.MISSING)}</p>'
    data = base64.b64encode(png).decode()
    return (f'<figure class="chart" id="chart-{name}-{number}"><img alt="{escape(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{escape(caption)}</figcaption></figure>')


def _charts(doc: DebateDoc) -> list[str]:
    d, r = doc.debate, doc.outcome
    keys = (*d.side_keys, UNDECIDED)
    chart = Chart("Positions before and after", tuple(d.label(k) for k in keys),
                  (("before", tuple(r.share(k, "pre") for k in keys)),
                   ("after", tuple(r.share(k, "post") for k in keys))))
    labels = {k: d.label(k) for k in keys}
    n = d.number
    return [_figure("positions", n, "Positions before and after, per side", charts.bars(chart)),
            _figure("moves", n, "How individual members moved", charts.slope(flows(doc), labels)),
            _figure("activity", n, "Arguments and endorsements per round", charts.activity(*per_phase(doc)))]


def _arguments(doc: DebateDoc) -> list[str]:
    d = doc.debate
    out = []
    for side in d.sides:
        out.append(f'<div class="side"><h3>{escape(side.label)}</h3>')
        for a in (a for a in doc.arguments if a["side"] == side.key):
            meta = [escape(a["author_name"] or "(removed)"), escape(d.format.phase_name(a["phase"])),
                    f"{doc.endorsed[a['number']]} endorsements"]
            if a["rebuts"]:
                meta.append(f"rebuts #{a['rebuts']}")
            if a["number"] in doc.rebuttals:
                meta.append("answered by " + ", ".join(f"#{n}" for n in doc.rebuttals[a["number"]]))
            out.append(f'<p class="arg" id="arg-{a["number"]}"><b>#{a["number"]}</b> {escape(a["text"])} '
                       f'<span class="meta">{" · ".join(meta)}</span></p>')
        out.append("</div>")
    return out


def _steelman(doc: DebateDoc) -> list[str]:
    d, report = doc.debate, doc.report
    said = engine_line(*doc.engine, doc.report.engine_note)
    out = ["<h2>Steelman</h2>", f'<p class="meta engine">{escape(said)}</p>']
    for side in d.sides:
        picks = "".join(f"<li>#{p.number} {escape(p.text)}</li>" for p in report.sides.get(side.key, []))
        out.append(f"<h3>The case for {escape(side.label)}</h3><ul>{picks or '<li>No arguments.</li>'}</ul>")
    common = "".join(f"<li>#{p.number} {escape(p.text)}</li>" for p in report.common_ground)
    out.append(f"<h3>Common ground</h3><ul>{common or '<li>Nothing endorsed across every side.</li>'}</ul>")
    cruxes = "".join(f"<li>#{c.number} {escape(c.text)} (answered by "
                     f"{', '.join(f'#{n}' for n in c.rebuttals)})</li>" for c in report.cruxes)
    out.append(f"<h3>Cruxes</h3><ul>{cruxes or '<li>None.</li>'}</ul>")
    return out


def section(doc: DebateDoc, opinion: str = "") -> str:
    """`opinion`: the opinion groups' part (bot/export/opinion_section.py), after the charts."""
    d, r = doc.debate, doc.outcome
    timeline = "".join(f"<li>{escape(d.format.phase_name(n))}: "
                       f"{d.format.phase_duration(n).total_seconds() / 60:.0f} min</li>"
                       for n in range(d.format.post_vote_phase + 1))
    shares = "".join(f"<li>{escape(d.label(k))}: {r.share(k, 'pre'):.0f}% → {r.share(k, 'post'):.0f}%</li>"
                     for k in (*d.side_keys, UNDECIDED))
    parts = [f'<section class="debate" id="debate-{d.number}"><h1>Debate #{d.number}: {escape(d.motion)}</h1>',
             f"<h2>Timeline</h2><ol>{timeline}</ol>",
             f"<h2>Results</h2><p>{escape(_verdict(doc))}</p><ul>{shares}</ul>", *_charts(doc), opinion,
             "<h2>Arguments by side</h2>", *_arguments(doc), *itt_section.html(doc), *_steelman(doc), "</section>"]
    return "\n".join(parts)


async def write_html(source: Source, out: IO[bytes], summarizer: Summarizer) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    text.write(f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Steelman report</title>'
               f"<style>{STYLE}</style></head><body>\n")
    async for row in source.rows("debates"):
        doc = await load(source, row, summarizer)
        text.write(section(doc, await opinion_section.section(source, doc.debate)) + "\n")
    text.write("</body></html>\n")
    text.flush()
    text.detach()
