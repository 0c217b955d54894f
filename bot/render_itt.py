"""The ideological Turing test as members read it: an entry with its judging buttons, the round's
announcement, and the results per side (who was understood, and whose restatements passed)."""

from __future__ import annotations

from bot.cleaning import shorten
from bot.domain import Debate, IttEntry
from bot.itt import SideOutcome
from bot.messages import Button, Field, Message

WRITE, JUDGE = "itt write", "itt rate"
QUESTION = "could someone on our side have written this?"


def entry(debate: Debate, e: IttEntry) -> Message:
    """An entry, posted without its author's name: judges read the case, not the person."""
    label = debate.label(e.side)
    def judge(verdict: str) -> tuple[tuple[str, object], ...]:
        return ("entry", e.number), ("verdict", verdict), ("debate", debate.number)

    return Message(
        text=e.text,
        title=f"ITT entry #{e.number} · the case for {label}",
        footer=f"Written by a member of another side. Members of {label}: {QUESTION}",
        buttons=(Button("Yes, one of us could have", JUDGE, judge("yes"), "success"),
                 Button("No, it misses", JUDGE, judge("no"), "danger")),
        kind="argument",
    )


def round_started(debate: Debate, until: str) -> Message:
    name = debate.phase_name
    sides = "|".join(debate.side_keys)
    text = (f"The **{name}** round has begun: an ideological Turing test.{until} Write the strongest case "
            f"for a side you do not hold, with `/itt write side:<{sides}> text:...` (one entry per side). "
            f"Entries are posted without names; members of that side judge each: {QUESTION} "
            "Undecided members read along. The results show how well each side was understood.")
    write = Button("Write another side's case", WRITE, (("debate", debate.number),), "success", form=True)
    return Message(text=text, title=f"Debate #{debate.number}: {name}", buttons=(write,), kind="announcement")


def results(debate: Debate, outcomes: dict[str, SideOutcome]) -> Message:
    fields = []
    for key, o in outcomes.items():
        if not o.entries:
            body = "No one wrote this side's case."
        elif not o.judged:
            body = f"{o.entries} entr{'y' if o.entries == 1 else 'ies'}, none judged by its members."
        else:
            rate = round(100 * (o.pass_rate or 0))
            unjudged = f"; {o.entries - o.judged} not judged." if o.entries > o.judged else "."
            body = (f"{len(o.passed)} of {o.judged} judged entr{'y' if o.judged == 1 else 'ies'} passed "
                    f"({rate}% pass rate){unjudged}")
            if o.passed:
                body += "\nPassed: " + ", ".join(f"{e.author_name} (#{e.number})" for e in o.passed)
        fields.append(Field(f"How well others understood {debate.label(key)}", body))
    credited = sorted({e.author_name for o in outcomes.values() for e in o.passed})
    text = ("Members wrote the strongest case for sides they do not hold; each side judged whether one of "
            "its own could have written it.")
    if credited:
        text += f"\nWell understood, credit to: {', '.join(credited)}."
    return Message(text=text, title=f"Ideological Turing test of debate #{debate.number}: "
                   f"{shorten(debate.motion, 120)}", fields=tuple(fields), kind="results")
