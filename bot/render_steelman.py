"""The steelman as members read it: each side's case, why a side has fewer points, common ground, cruxes,
which engine wrote it, and how each side rated its own case (with the buttons to rate it)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.cleaning import shorten
from bot.domain import Debate
from bot.messages import Button, Field, Message
from bot.summaries import Crux, Pick, SideRating, SteelmanReport

RATE = "steelman rate"
STARS = (1, 2, 3, 4, 5)
MAX_RATED_SIDES = 5  # 5 buttons each: 25 is the most one message can carry on Discord
POOR = 3.0  # a side's own mean rating below this: offer the next-best picks
_ASK = (
    "\nDoes this capture your view? Rate your own side's case 1-5; "
    "rate another side's case for whether it is fair to them."
)
ORDER = {
    "extractive": "Within each side, the strongest argument comes first.",
    "llm": "Each side's points are a model's summary of its strongest arguments, citing and quoting them.",
}
MORE = "These are the next-best picks, after the ones shown before."
# (while the debate runs, once it is closed)
NO_COMMON = {False: "Nothing endorsed across every side yet.", True: "No argument was endorsed across every side."}
NO_CRUX = {False: "None yet.", True: "None: no argument split the sides."}
NO_ARGUMENT = {False: "No arguments for this side yet.", True: "Nobody argued for this side."}


def summary(
    debate: Debate,
    report: SteelmanReport,
    only: str | None = None,
    ratings: Mapping[str, SideRating] | None = None,
    more: bool = False,
) -> Message:
    ratings = ratings or {}
    final = not debate.state.active  # a closed debate is told in its final form, never "yet"
    keys = [k for k in debate.side_keys if not only or k == only]
    fields = [
        Field(f"The case for {debate.label(k)}", _side_body(debate, report, k, ratings.get(k), final))
        for k in keys
    ]
    if not only:
        common = "\n".join(_common_line(debate, p) for p in report.common_ground)
        fields.append(
            Field(
                "Common ground",
                common or _note(debate, report) or NO_COMMON[final],
            )
        )
        cruxes = "\n".join(_crux_line(debate, c) for c in report.cruxes)
        fields.append(Field("Open cruxes (where the sides split most)", cruxes or NO_CRUX[final]))
    rated = [k for k in keys if report.sides.get(k)][:MAX_RATED_SIDES]
    return Message(
        text=_intro(debate, report, more) + (_ASK if rated else ""),
        title=f"Steelman of debate #{debate.number}",
        fields=tuple(fields),
        buttons=tuple(_buttons(debate, rated)),
        footer=_footer(report),
        kind="steelman",
    )


def _note(debate: Debate, report: SteelmanReport) -> str | None:
    """Why there is no common ground yet; with hidden votes, without the count it would give away."""
    if report.common_ground_note and debate.tallies_hidden:
        return "Too few members have endorsed arguments across sides yet to call anything common ground."
    return report.common_ground_note


def _intro(debate: Debate, report: SteelmanReport, more: bool) -> str:
    order = ORDER["llm" if report.points else "extractive"]
    return f"The strongest case for each side of: {debate.motion}\n{MORE if more else order}"


def _side_body(debate: Debate, report: SteelmanReport, key: str, rating: SideRating | None,
               final: bool) -> str:
    picks = report.sides.get(key, [])
    lines = []
    if report.points.get(key):
        lines += [f"• {point}" for point in report.points[key]]
        lines.append("Sources: " + ", ".join(f"#{p.number}" for p in picks))
    else:
        lines += [pick_line(p, counts=not debate.tallies_hidden) for p in picks]
    if report.notes.get(key):
        lines.append(report.notes[key])
    if not lines:
        lines.append(NO_ARGUMENT[final])
    if rating and (rating.own_count or rating.others_count) and not debate.tallies_hidden:
        lines.append(rating_line(debate, rating))
    return "\n".join(lines)


def pick_line(p: Pick, counts: bool = True) -> str:
    """A pick with how it was supported; without `counts` (hidden voting, until close) no tallies."""
    extra = []
    if p.support > 1:
        extra.append(f"made by {p.support} members")
    if p.similar:
        extra.append(f"stands for {len(p.similar)} similar")
    if p.endorsements and counts:
        extra.append(f"{p.endorsements} endorsed, {p.cross_endorsements} from other sides")
    tail = f" _({'; '.join(extra)})_" if extra else ""
    return f"#{p.number} {p.author_name}: “{p.text}”{tail}"


def rating_line(debate: Debate, r: SideRating) -> str:
    """A side's ratings in words: 'The pause side rated its steelman 4.2/5, n = 9; other sides rated it
    fair 3.1/5, n = 4'."""
    parts = []
    if r.own_count:
        parts.append(
            f"The {debate.label(r.side)} side rated its steelman {r.own_mean:.1f}/5, "
            f"n = {r.own_count}"
        )
    if r.others_count:
        parts.append(
            f"other sides rated it fair to them {r.others_mean:.1f}/5, n = {r.others_count}"
        )
    line = "; ".join(parts) + "."
    if r.own_count and r.own_mean < POOR:
        line += f" Not its best case? `/steelman debate:{debate.number} side:{r.side} more:yes`"
    return line[0].upper() + line[1:]


def _shares(debate: Debate, shares: tuple[tuple[str, float], ...]) -> str:
    return ", ".join(f"{debate.label(s)} {v:.0%}" for s, v in shares)


def _common_line(debate: Debate, p: Pick) -> str:
    shares = (
        f" _(endorsed by {_shares(debate, p.side_shares)} of each side)_"
        if p.side_shares and not debate.tallies_hidden else ""
    )
    return f"#{p.number} {p.author_name} ({debate.label(p.side)}): “{p.text}”{shares}"


def _crux_line(debate: Debate, c: Crux) -> str:
    line = f"#{c.number} ({debate.label(c.side)}) “{shorten(c.text, 300)}”"
    if c.side_shares and not debate.tallies_hidden:
        line += f": endorsed by {_shares(debate, c.side_shares)} of each side"
    if c.rebuttals:
        line += "; answered by " + ", ".join(f"#{n}" for n in c.rebuttals)
    return line


def _buttons(debate: Debate, rated: list[str]) -> list[Button]:
    return [
        Button(
            f"{debate.label(k)} {k_stars}★",
            RATE,
            (("debate", debate.number), ("side", k), ("stars", k_stars)),
        )
        for k in rated
        for k_stars in STARS
    ]


def _footer(report: SteelmanReport) -> str:
    if report.engine == "llm":
        line = "Written by a language model from members' arguments; every quote was checked against them."
    else:
        line = f"Chosen from members' own words by the {report.engine} engine."
    return f"{line} {report.engine_note}".strip()
