"""The opinion map (issue 18): members in the first two principal components of their votes, coloured
by the opinion group found, marked by the side they declared. Drawn with matplotlib (the `report`
extra) as PNG bytes; None without it."""

from __future__ import annotations

from collections.abc import Mapping

from bot.export.charts import COLOURS, _figure, _png, available
from bot.opinion.types import OpinionResult

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
NAME = "opinion-map.png"


def draw(result: OpinionResult, side_labels: Mapping[str, str], title: str = "Opinion map") -> bytes | None:
    """`side_labels`: side key -> the name to show in the legend (undecided included)."""
    if not available() or not result.found or not result.points:
        return None
    fig = _figure(7.0, 5.0)
    ax = fig.subplots()
    sides = [k for k in side_labels if any(p.side == k for p in result.points)]
    sides += sorted({p.side or "" for p in result.points} - set(sides))
    for group in result.groups:
        colour = COLOURS[group.id % len(COLOURS)]
        for s, side in enumerate(sides):
            here = [p for p in result.points if p.group == group.id and (p.side or "") == side]
            if here:
                ax.scatter([p.x for p in here], [p.y for p in here], c=colour,
                           marker=MARKERS[s % len(MARKERS)], s=60, alpha=0.85, edgecolors="black",
                           linewidths=0.5)
    for group in result.groups:  # legend: colours are groups, shapes are declared sides
        ax.scatter([], [], c=COLOURS[group.id % len(COLOURS)], marker="o", s=60,
                   label=f"group {group.label} ({group.size})")
    for s, side in enumerate(sides):
        ax.scatter([], [], c="white", edgecolors="black", marker=MARKERS[s % len(MARKERS)], s=60,
                   label=side_labels.get(side, side or "no side"))
    flagged = [p for p in result.points if p.agrees_with_everything]
    if flagged:
        ax.scatter([p.x for p in flagged], [p.y for p in flagged], facecolors="none", edgecolors="#c44e52",
                   s=160, linewidths=1.2, label="agrees with everything")
    first, second = result.variance_explained
    ax.set_xlabel(f"first component ({first:.0%} of the variance)")
    ax.set_ylabel(f"second component ({second:.0%})")
    ax.axhline(0, color="#dddddd", linewidth=0.8, zorder=0)
    ax.axvline(0, color="#dddddd", linewidth=0.8, zorder=0)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    return _png(fig)
