"""Debate rules as plain synchronous functions: no I/O, time is a parameter."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.errors import Conflict, UserError
from bot.domain import ITT, VOTING_MODES, Actor, Debate, Format, Position, Side, State, UNDECIDED
from bot.cleaning import clean, slug

RESERVED = {UNDECIDED, "none", "all"}


def parse_sides(text: str | None, max_sides: int) -> tuple[Side, ...]:
    """'pause, slow down, go faster' -> sides with keys members can type. 'undecided' is always added."""
    labels = [clean(part) for part in (text or "for, against").replace(";", ",").split(",")]
    labels = [label for label in labels if label]
    sides: list[Side] = []
    for label in labels:
        key = slug(label)
        if not key:
            raise UserError(f"Side {label!r} has no letters or digits; name sides with words.")
        if key in RESERVED:
            raise UserError(f"{label!r} is added to every debate by itself; name only the real sides.")
        if len(label) > 40:
            raise UserError(f"Side {label[:40]!r}… is {len(label)} characters; a side name may have at most 40.")
        if any(s.key == key for s in sides):
            raise UserError(f"Side {label!r} is listed twice.")
        sides.append(Side(key, label))
    if len(sides) < 2:
        raise UserError("A debate needs at least two sides, separated by commas.", 'For example: sides:"pause, go faster"')
    if len(sides) > max_sides:
        raise UserError(f"{len(sides)} sides is too many; the limit is {max_sides}.")
    return tuple(sides)


def resolve_side(debate: Debate, given: str, allow_undecided: bool) -> str:
    """Accept a side's key, its label, or its number; say which exist when it matches none."""
    wanted = slug(given)
    if allow_undecided and wanted == UNDECIDED:
        return UNDECIDED
    for index, side in enumerate(debate.sides, start=1):
        if wanted in (side.key, slug(side.label)) or given.strip() == str(index):
            return side.key
    valid = [s.key for s in debate.sides] + ([UNDECIDED] if allow_undecided else [])
    raise UserError(
        f"Debate #{debate.number} has no side {given.strip()[:40]!r}.", f"Its sides: {', '.join(valid)}."
    )


def new_debate(space_id: int, motion: str, sides: tuple[Side, ...], fmt: Format, channel_id: str,
               actor: Actor, now: datetime) -> Debate:
    return Debate(
        id=0, space_id=space_id, number=0, motion=motion, sides=sides, format=fmt, state=State.PRE_VOTE,
        phase=0, phase_ends_at=now + fmt.pre_vote, channel_id=channel_id, thread_id=None,
        started_by=actor.user_id, started_by_name=actor.name, created_at=now, phase_started_at=now,
    )


def voting_modes(given: str) -> tuple[str, ...]:
    """`open`, `hidden`, `anonymous` or both (`hidden-anonymous`, in either order) -> the modes in force."""
    words = [w for w in slug(given).split("-") if w]
    if words == ["open"]:
        return ()
    if not words or any(w not in VOTING_MODES for w in words):
        raise UserError(f"There is no voting mode {given.strip()[:40]!r}.",
                        "Use open, hidden (counts unseen until the post-vote closes), anonymous (no names in "
                        "the results) or hidden-anonymous.", option="voting")
    return tuple(m for m in VOTING_MODES if m in words)


RACE_WINDOW = timedelta(seconds=60)


def check_ends(debate: Debate, named: str | None, now: datetime) -> None:
    """A moderator ending a phase ends the one they meant: the one they name, or, unnamed, the current one
    unless it only just began (its deadline, or another moderator, ended the one they were looking at)."""
    require_active(debate, "end a phase")
    current = debate.phase_name
    if named is not None:
        if slug(named) != slug(current):
            raise Conflict(f"The {named} is not running: debate #{debate.number} is in its {current} now, "
                           "so nothing was ended.", f"To end the {current}, use `/debate next phase:{slug(current)}`.",
                           option="phase")
        return
    began = debate.phase_started_at
    if debate.phase > 0 and began is not None and now - began < RACE_WINDOW:  # the pre-vote began with /start
        seconds = int((now - began).total_seconds())
        raise Conflict(f"The {current} of debate #{debate.number} began only {seconds} s ago (the phase before it "
                       "had just ended), so I did not end it too.",
                       f"To end the {current} now, use `/debate next phase:{slug(current)}`.")


def advance(debate: Debate, at: datetime) -> Debate:
    """The debate after its current phase ends at `at`."""
    if not debate.state.active:
        raise Conflict(f"Debate #{debate.number} is {debate.state.value}; it cannot move on.")
    fmt = debate.format
    changes: dict = {}
    if debate.phase == 0:
        changes["pre_vote_closed_at"] = at
    if debate.phase >= fmt.post_vote_phase:
        return finish(debate, at)
    phase = debate.phase + 1
    return replace(debate, **changes, phase=phase, state=Format.state_of(phase, fmt),
                   phase_ends_at=at + fmt.phase_duration(phase), phase_started_at=at)


def finish(debate: Debate, at: datetime) -> Debate:
    """Close now: whatever windows were still open close with it."""
    return replace(
        debate, state=State.CLOSED, phase_ends_at=None, closed_at=at,
        pre_vote_closed_at=debate.pre_vote_closed_at or at, post_vote_closed_at=at,
        phase=debate.format.post_vote_phase,
    )


def cancel(debate: Debate, at: datetime) -> Debate:
    if not debate.state.active:
        raise Conflict(f"Debate #{debate.number} is already {debate.state.value}.")
    return replace(debate, state=State.CANCELLED, phase_ends_at=None, closed_at=at)


def require_active(debate: Debate, doing: str) -> None:
    if not debate.state.active:
        raise Conflict(f"Debate #{debate.number} is {debate.state.value}; you can no longer {doing}.")


PACE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Paced:
    """One kind of thing a member does in a debate that is rate-limited: its `[limits]` keys are
    `<kind>_per_minute` and `<kind>_per_debate`; the refusal names it and says when they may again."""

    noun: str  # "3 votes in the last minute"
    again: str  # "You can vote again in 12 s."
    instead: str  # what they can still do once they reached the most for the debate
    one: str = ""  # the noun for just one, when it is not the plural without its "s"

    def count(self, n: int) -> str:
        return f"{n} {self.noun if n != 1 else self.one or self.noun.removesuffix('s')}"


PACED = {
    "arguments": Paced("arguments", "post again", "Others can still take up your points."),
    "position_changes": Paced("position changes", "post again", "Where you stand now is recorded."),
    "votes": Paced("votes", "vote again", "Your votes so far all count."),
    "itt_entries": Paced("ITT entries", "write an entry again", "Judge the entries written for your side.",
                         "ITT entry"),
    "itt_verdicts": Paced("ITT verdicts", "judge again", "Your verdicts so far all count."),
    "steelman_ratings": Paced("steelman ratings", "rate again", "Your latest rating of each side counts."),
    "restatement_answers": Paced("answers to restatements", "answer again",
                                 "Your latest answer to each restatement stands.", "answer to a restatement"),
    "group_maps": Paced("requests for the opinion groups", "ask again",
                        "The results post the groups when the debate closes.", "request for the opinion groups"),
}


def check_pace(kind: str, total: int, recent: int, oldest: datetime | None, now: datetime,
               per_minute: int, per_debate: int, debate_number: int) -> None:
    """Raise when a member has done `kind` (a key of PACED) as often as one may: in this debate overall,
    or in the last minute (saying when they may again)."""
    paced = PACED[kind]
    if total >= per_debate:
        raise Conflict(f"You have made {paced.count(total)} in debate #{debate_number}, the most one member "
                       "may in one debate.", paced.instead)
    if recent >= per_minute and oldest is not None:
        wait = max(1, math.ceil((oldest + PACE_WINDOW - now).total_seconds()))
        raise Conflict(f"You have made {paced.count(recent)} in the last minute, the most one member may "
                       f"({per_minute} a minute).", f"You can {paced.again} in {wait} s.")


def check_can_argue(debate: Debate, side: str, already: int) -> None:
    """Raise with a specific reason when this member may not post an argument for `side` now."""
    require_active(debate, "add arguments")
    if debate.state is State.PRE_VOTE:
        raise Conflict(
            f"Debate #{debate.number} is in its pre-vote; arguments open with the first round.",
            "Record your starting position now with /position.",
        )
    if debate.state is State.POST_VOTE:
        raise Conflict(f"The rounds of debate #{debate.number} are over; the post-vote is open.",
                       "Record where you stand now with /position.")
    spec = debate.current_round
    assert spec is not None
    if spec.kind == ITT:
        raise Conflict(f"The {spec.name} round of debate #{debate.number} is an ideological Turing test: it "
                       "takes the case of a side you do not hold, not arguments for your own.",
                       "Write one with `/itt write side:<another side> text:...`; arguments open again "
                       "after it.")
    if spec.sides is not None:
        allowed = [debate.sides[i - 1] for i in spec.sides if i <= len(debate.sides)]
        if side not in {s.key for s in allowed}:
            names = ", ".join(s.label for s in allowed)
            raise Conflict(f"The {spec.name} round is for {names} only.")
    if spec.per_person_limit is not None and already >= spec.per_person_limit:
        raise Conflict(
            f"You have posted {already} argument{'s' if already != 1 else ''} in the {spec.name} round; "
            f"the limit is {spec.per_person_limit} per person.",
            "Endorse the points you agree with instead, or wait for the next round.",
        )


def check_membership_age(actor: Actor, minimum: timedelta, now: datetime) -> None:
    """Votes count from members who joined at least `minimum` ago, where the platform says when they
    joined (an unknown date cannot be held against anyone)."""
    if not minimum or actor.member_since is None or now - actor.member_since >= minimum:
        return
    hours = max(1, int((minimum - (now - actor.member_since)).total_seconds() // 3600))
    raise Conflict(f"In this community, members vote once they have been here {_span(minimum)}; you joined "
                   f"{_span(now - actor.member_since)} ago.",
                   f"You can vote in about {_span(timedelta(hours=hours))}; until then, read and argue.")


def _span(delta: timedelta) -> str:
    days, hours = delta.days, delta.seconds // 3600
    if days:
        return f"{days} day{'s' if days != 1 else ''}"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, delta.seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def current_side(history: list[Position]) -> str | None:
    return history[-1].side if history else None


def is_repeat(last: Position | None, side: str, confidence: int | None, reason: str | None,
              credited: int | None) -> bool:
    """A second identical vote (a double click) adds nothing to the history."""
    if last is None or reason or credited:
        return False
    return last.side == side and (confidence is None or last.confidence == confidence)
