"""Charts of a debate, drawn with matplotlib (the `report` extra) as PNG bytes.

PNG rather than SVG: the report embeds it as data, and a PNG carries no namespace URLs or fonts to fetch.
Without matplotlib every function returns None and callers say the charts need the extra.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence

from bot.messages import Chart

MISSING = "Charts need the report extra: pip install 'steelman[report]' (matplotlib)."
COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c")


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(width: float = 7.0, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg")  # no display: the server, the CLI and tests all draw off screen
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})  # no version string, no URL in the file
    return out.getvalue()


def bars(chart: Chart) -> bytes | None:
    """Grouped bars of a core Chart (the results' before and after share per side)."""
    if not available():
        return None
    fig = _figure()
    ax = fig.subplots()
    width = 0.8 / max(1, len(chart.series))
    for i, (name, values) in enumerate(chart.series):
        xs = [x + i * width for x in range(len(chart.labels))]
        ax.bar(xs, values, width, label=name, color=COLOURS[i % len(COLOURS)])
    ax.set_xticks([x + width * (len(chart.series) - 1) / 2 for x in range(len(chart.labels))], chart.labels)
    ax.set_ylabel("% of voters")
    ax.set_title(chart.title)
    ax.legend()
    return _png(fig)


def slope(flows: Counter, labels: dict[str, str], title: str = "How members moved") -> bytes | None:
    """Each member's side before (left) and after (right): a line per change, as wide as the members."""
    if not available():
        return None
    keys = list(labels)
    fig = _figure()
    ax = fig.subplots()
    at = {k: len(keys) - 1 - i for i, k in enumerate(keys)}
    biggest = max(flows.values(), default=1)
    for (before, after), n in sorted(flows.items()):
        colour = COLOURS[keys.index(before) % len(COLOURS)] if before in at else "#999999"
        ax.plot([0, 1], [at.get(before, 0), at.get(after, 0)], color=colour, linewidth=1 + 8 * n / biggest,
                alpha=0.8)
        ax.annotate(str(n), ((0.5), (at.get(before, 0) + at.get(after, 0)) / 2), ha="center", fontsize=8)
    ax.set_yticks(list(at.values()), [labels[k] for k in at])
    ax.set_xticks([0, 1], ["pre-vote", "post-vote"])
    ax.set_xlim(-0.1, 1.1)
    ax.set_title(title if flows else f"{title} (no member voted in both votes)")
    return _png(fig)


def activity(phases: Sequence[str], posted: Sequence[int], endorsed: Sequence[int]) -> bytes | None:
    """Arguments posted in each phase, and the endorsements those arguments got."""
    if not available():
        return None
    fig = _figure()
    ax = fig.subplots()
    xs = range(len(phases))
    ax.bar([x - 0.2 for x in xs], posted, 0.4, label="arguments", color=COLOURS[0])
    ax.bar([x + 0.2 for x in xs], endorsed, 0.4, label="endorsements", color=COLOURS[1])
    ax.set_xticks(list(xs), phases)
    ax.set_title("Arguments and endorsements per round")
    ax.legend()
    return _png(fig)
