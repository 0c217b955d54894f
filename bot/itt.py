"""The ideological Turing test: who may write an entry, who may judge it, and how well each side was
understood. Plain synchronous rules; no I/O.

In an ITT round a member who holds a side writes the strongest case for a side they do not hold (one
entry per side). Undecided members hold no side, so there is no other side to write for: they read the
entries and the results, and neither write nor judge. Members who hold the entry's side (except its
author) answer "could someone on our side have written this?" with yes or no, once each: answering again
replaces their answer. An entry passes when more of its judges say yes than no (a tie does not pass).
Judging stays open from the entry's posting until the debate closes; the results come with the debate's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain import ITT, UNDECIDED, Debate, IttEntry, IttRating
from bot.errors import Conflict
from bot.rules import require_active

VERDICTS = {"yes": True, "no": False}


def check_can_write(debate: Debate, held: str | None, side: str) -> None:
    require_active(debate, "write for the ideological Turing test")
    spec = debate.current_round
    if spec is None or spec.kind != ITT:
        rounds = [r.name for r in debate.format.rounds if r.kind == ITT]
        where = (f"it has an ITT round ({rounds[0]}); it is in its {debate.phase_name} now" if rounds else
                 f"its format, {debate.format.name}, has no ITT round (oxford-itt has one)")
        raise Conflict("Entries for the ideological Turing test are written in an ITT round; debate "
                       f"#{debate.number}: {where}.")
    if held is None or held == UNDECIDED:
        raise Conflict(f"You hold no side in debate #{debate.number}, so there is no other side to write "
                       "for.",
                       "Record your side with /position first. Undecided members read the entries and the "
                       "results, but neither write nor judge them.")
    if held == side:
        others = ", ".join(f"side:{k}" for k in debate.side_keys if k != held)
        raise Conflict(f"{debate.label(side)} is your own side: in this test you write the strongest case "
                       "for a side you do not hold.", f"Write for {others}.", option="side")


def check_can_judge(debate: Debate, entry: IttEntry, member_id: str, held: str | None) -> None:
    require_active(debate, "judge entries of the ideological Turing test")
    if entry.author_id == member_id:
        raise Conflict(f"Entry #{entry.number} is your own: members of {debate.label(entry.side)} judge it.")
    if held != entry.side:
        yours = "you hold no side" if held in (None, UNDECIDED) else f"you hold {debate.label(held)}"
        raise Conflict(f"Entry #{entry.number} makes the case for {debate.label(entry.side)}: only members "
                       f"who hold that side judge whether one of them could have written it, and {yours}.")


def latest_answers(ratings: list[IttRating]) -> dict[tuple[int, str], IttRating]:
    """Each member's latest answer per entry (ratings oldest first)."""
    latest: dict[tuple[int, str], IttRating] = {}
    for r in ratings:
        latest[(r.entry, r.member_id)] = r
    return latest


@dataclass
class SideOutcome:
    side: str
    entries: int = 0  # written for this side
    judged: int = 0  # with at least one answer
    passed: list[IttEntry] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        """Of the judged entries, the share that passed; None when none was judged."""
        return len(self.passed) / self.judged if self.judged else None


def outcome(debate: Debate, entries: list[IttEntry], ratings: list[IttRating]) -> dict[str, SideOutcome]:
    """Per side (in the debate's order): how well members of other sides stated its case."""
    tally: dict[int, list[int]] = {}
    for answer in latest_answers(ratings).values():
        yes_no = tally.setdefault(answer.entry, [0, 0])
        yes_no[0 if answer.passed else 1] += 1
    sides = {k: SideOutcome(k) for k in debate.side_keys}
    for e in entries:
        found = sides.get(e.side)
        if found is None:
            continue
        found.entries += 1
        yes, no = tally.get(e.number, (0, 0))
        if yes or no:
            found.judged += 1
            if yes > no:
                found.passed.append(e)
    return sides


