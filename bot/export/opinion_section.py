"""The opinion map and groups in the HTML report (issue 18): found from the debate's votes as the results
found them. Only groups, sizes, declared sides and argument numbers are shown, never who is where, so a
pseudonymised report gives nothing away."""

from __future__ import annotations

import base64
from html import escape

from bot import opinion
from bot.domain import Debate
from bot.export import charts, opinion_map
from bot.export.source import Source
from bot.render_opinion import side_labels


async def section(source: Source, debate: Debate) -> str:
    from bot.handlers.votes import engine_votes  # exports build on the handlers' vocabulary

    if not opinion.available():
        return "<h2>Opinion groups</h2><p class=\"note\">Opinion groups need the opinion extra (numpy).</p>"
    found = opinion.find_groups(await source.read(lambda uow: engine_votes(uow, debate)))
    if not found.found:
        return f"<h2>Opinion groups</h2><p>{escape(found.reason[:1].upper() + found.reason[1:])}.</p>"
    items = []
    for g in found.groups:
        sides = ", ".join(f"{debate.label(s) if s else 'no side'} {n}" for s, n in g.sides)
        apart = ", ".join(f"{r.direction}s with #{r.argument}" for r in g.representative[:3]) or "nothing yet"
        items.append(f"<li>Group {escape(g.label)}: {g.size} members ({escape(sides)}); sets apart: "
                     f"{escape(apart)}</li>")
    groups = "".join(items)
    shared = escape(", ".join(f"#{c.argument}" for c in found.consensus[:5]) or "none")
    png = opinion_map.draw(found, side_labels(debate), f"Opinion map · debate #{debate.number}")
    figure = (f'<p class="note">{escape(charts.MISSING)}</p>' if png is None else
              f'<figure class="chart" id="chart-opinion-map-{debate.number}"><img alt="Opinion map" '
              f'src="data:image/png;base64,{base64.b64encode(png).decode()}"><figcaption>Members on the '
              "first two principal components of their votes, coloured by group, shaped by declared side"
              "</figcaption></figure>")
    return (f"<h2>Opinion groups</h2><p>{escape(found.reason)}.</p><ul>{groups}</ul>"
            f"<p>Every group agrees with: {shared}</p>{figure}")
