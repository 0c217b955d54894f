"""The opinion groups found from members' votes, as a platform-neutral message (issue 18): the groups
(size, the declared sides their members hold), what sets each apart (Polis's representative
arguments), what every group agrees with (group-informed consensus), and the opinion map as an image.
When there are too few votes, the message says how many there are and how many are needed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from bot.cleaning import shorten
from bot.domain import UNDECIDED, Argument, Debate
from bot.messages import Field, File, Message
from bot.opinion.types import OpinionResult

QUOTE = 90  # characters of an argument quoted in the groups' message
SHOWN = 3  # representative arguments shown per group


def _side_names(debate: Debate, sides: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{debate.label(side) if side else 'no side'} {n}" for side, n in sides)


def _quote(number: int, arguments: Mapping[int, Argument]) -> str:
    arg = arguments.get(number)
    return f"#{number} “{shorten(arg.text, QUOTE)}”" if arg else f"#{number}"


def groups(debate: Debate, result: OpinionResult, arguments: Mapping[int, Argument],
           common_ground: Collection[int] = ()) -> Message:
    """`common_ground`: the steelman's common ground (arguments endorsed on every side), marked where a
    consensus argument is also there."""
    title = f"Opinion groups · debate #{debate.number}"
    if not result.found:
        reason = result.reason[:1].upper() + result.reason[1:]
        return Message(f"{reason}. Vote agree, disagree or pass on the arguments (the buttons under each) "
                       "to find the opinion groups.", title=title, kind="opinion")
    fields = []
    for g in result.groups:
        lines = [f"{g.size} member{'s' if g.size != 1 else ''}: {_side_names(debate, g.sides)}"]
        for r in g.representative[:SHOWN]:
            lines.append(f"{r.direction}s with {_quote(r.argument, arguments)}: {r.group_share:.0%} of the "
                         f"group vs {r.others_share:.0%} of the others")
        if not g.representative:
            lines.append("No argument sets this group clearly apart yet.")
        fields.append(Field(f"Group {g.label}", "\n".join(lines)))
    shared = [f"{_quote(c.argument, arguments)}: at least {c.lowest_agree:.0%} agree in every group"
              + (" (also common ground across declared sides)" if c.argument in common_ground else "")
              for c in result.consensus[:SHOWN]]
    fields.append(Field("Every group agrees", "\n".join(shared) or
                        "No argument is agreed by a majority of every group."))
    if result.flagged:
        n = len(result.flagged)
        fields.append(Field("Agreeing with everything", (
            f"{n} member{'s' if n != 1 else ''} agreed with (nearly) every argument they voted on: "
            "shown on the map, but counted for less in what the groups believe.")))
    sides = {s for g in result.groups for s, _ in g.sides}
    hidden = ("Declared sides do not tell these groups apart: the votes divide members differently."
              if len(result.groups) > len(sides - {""}) else "")
    text = (f"{result.reason}, from {result.votes} votes on {result.arguments} arguments (members with at "
            f"least {result.min_votes} votes are counted). {hidden}").strip()
    return Message(text, title=title, fields=tuple(fields), kind="opinion")


def side_labels(debate: Debate) -> dict[str, str]:
    return {k: debate.label(k) for k in (*debate.side_keys, UNDECIDED)}


def with_map(message: Message, debate: Debate, result: OpinionResult) -> Message:
    """The message with the opinion map attached, when matplotlib (the `report` extra) is installed."""
    from bot.export import opinion_map  # here: exports build on the core's vocabulary, not the reverse

    png = opinion_map.draw(result, side_labels(debate), f"Opinion map · debate #{debate.number}")
    if png is None:
        return message
    return replace(message, files=(*message.files, File(opinion_map.NAME, png, "image/png")))
