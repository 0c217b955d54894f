"""Domain values of a debate. Standard library only: no platform, no storage.

A debate moves through numbered phases: phase 0 is the pre-vote, phases 1..n are the format's rounds and
phase n+1 is the post-vote. ``state`` names where it is; ``closed`` and ``cancelled`` are final.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

UNDECIDED = "undecided"


class State(StrEnum):
    PRE_VOTE = "pre_vote"
    ROUND = "round"
    POST_VOTE = "post_vote"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        return self not in (State.CLOSED, State.CANCELLED)


@dataclass(frozen=True)
class Side:
    key: str  # lower-case slug members type: "pause", "go-faster"
    label: str  # as the moderator wrote it: "Go faster"


@dataclass(frozen=True)
class RoundSpec:
    name: str
    duration: timedelta
    sides: tuple[int, ...] | None = None  # 1-based side positions allowed to post; None = every side
    per_person_limit: int | None = None
    remind_before: tuple[timedelta, ...] | None = None  # reminders before it closes; None: the format's
    kind: str = "arguments"  # ARGUMENTS, or ITT: members write the case of a side they do not hold


ARGUMENTS, ITT = "arguments", "itt"  # the kinds of round
HIDDEN, ANONYMOUS = "hidden", "anonymous"  # voting modes: tallies hidden until close; no names in results
VOTING_MODES = (HIDDEN, ANONYMOUS)


@dataclass(frozen=True)
class Format:
    name: str
    pre_vote: timedelta
    rounds: tuple[RoundSpec, ...]
    post_vote: timedelta
    remind_before: tuple[timedelta, ...] = ()  # before each phase closes, a reminder in the thread
    restate: bool = False  # a rebuttal starts with a one-line restatement of the argument it answers
    voting: tuple[str, ...] = ()  # VOTING_MODES in force (per format, or chosen when the debate starts)

    def reminders(self, phase: int) -> tuple[timedelta, ...]:
        """How long before the phase closes each of its reminders comes (a round may set its own); one
        as long as the phase itself or longer would come before it opens, so it is left out."""
        spec = self.rounds[phase - 1] if 0 < phase < self.post_vote_phase else None
        own = spec.remind_before if spec is not None else None
        wanted = self.remind_before if own is None else own
        fits = {b for b in wanted if timedelta(0) < b < self.phase_duration(phase)}
        return tuple(sorted(fits, reverse=True))

    @property
    def hidden(self) -> bool:
        return HIDDEN in self.voting

    @property
    def anonymous(self) -> bool:
        return ANONYMOUS in self.voting

    @property
    def has_itt(self) -> bool:
        return any(r.kind == ITT for r in self.rounds)

    @property
    def post_vote_phase(self) -> int:
        return len(self.rounds) + 1

    def phase_name(self, phase: int) -> str:
        if phase == 0:
            return "pre-vote"
        if phase == self.post_vote_phase:
            return "post-vote"
        return self.rounds[phase - 1].name

    def phase_duration(self, phase: int) -> timedelta:
        if phase == 0:
            return self.pre_vote
        if phase == self.post_vote_phase:
            return self.post_vote
        return self.rounds[phase - 1].duration

    @staticmethod
    def state_of(phase: int, fmt: "Format") -> State:
        if phase == 0:
            return State.PRE_VOTE
        if phase == fmt.post_vote_phase:
            return State.POST_VOTE
        return State.ROUND


@dataclass(frozen=True)
class SpaceRef:
    """A community as its platform names it: a Discord guild, a Slack team, the console."""

    platform: str
    external_id: str
    name: str = ""


@dataclass(frozen=True)
class Space:
    id: int
    platform: str
    external_id: str
    name: str


@dataclass(frozen=True)
class Actor:
    user_id: str
    name: str
    is_moderator: bool = False
    # when they joined the community, where the platform says (Discord's joined_at); None: unknown (Slack
    # has no such field, nor the console), and then a minimum membership age cannot apply to them
    member_since: datetime | None = None


@dataclass
class Debate:
    id: int
    space_id: int
    number: int
    motion: str
    sides: tuple[Side, ...]
    format: Format
    state: State
    phase: int
    phase_ends_at: datetime | None
    channel_id: str
    thread_id: str | None
    started_by: str
    started_by_name: str
    created_at: datetime
    pre_vote_closed_at: datetime | None = None
    post_vote_closed_at: datetime | None = None
    closed_at: datetime | None = None
    phase_started_at: datetime | None = None

    @property
    def phase_name(self) -> str:
        if self.state is State.CLOSED:
            return "closed"
        if self.state is State.CANCELLED:
            return "cancelled"
        return self.format.phase_name(self.phase)

    @property
    def current_round(self) -> RoundSpec | None:
        if self.state is State.ROUND:
            return self.format.rounds[self.phase - 1]
        return None

    @property
    def tallies_hidden(self) -> bool:
        """Hidden voting: the crowd's counts stay unseen until the post-vote closes (the debate closes)."""
        return self.format.hidden and self.state.active

    def side(self, key: str) -> Side | None:
        return next((s for s in self.sides if s.key == key), None)

    @property
    def side_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sides)

    def label(self, key: str) -> str:
        side = self.side(key)
        return side.label if side else ("Undecided" if key == UNDECIDED else key)


@dataclass(frozen=True)
class Argument:
    debate_id: int
    number: int
    author_id: str
    author_name: str
    side: str
    phase: int
    text: str
    created_at: datetime
    rebuts: int | None = None


@dataclass(frozen=True)
class IttEntry:
    """An ideological Turing test text: the strongest case for `side`, by a member who held `author_side`."""

    debate_id: int
    number: int  # numbered per debate, apart from arguments
    author_id: str
    author_name: str
    author_side: str
    side: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class IttRating:
    """A member of the entry's side answering "could someone on our side have written this?" (append-only:
    a member's latest answer for an entry counts)."""

    debate_id: int
    entry: int
    member_id: str
    member_name: str
    member_side: str
    passed: bool
    created_at: datetime


@dataclass(frozen=True)
class Restatement:
    """A rebuttal's one-line restatement of the argument it answers, and that argument's author's verdict
    (None until they answer: True "that's my point", False "not my point")."""

    debate_id: int
    rebuttal: int
    restates: int
    text: str
    accepted: bool | None = None
    judged_at: datetime | None = None


@dataclass(frozen=True)
class Endorsement:
    debate_id: int
    argument: int
    member_id: str
    member_name: str
    created_at: datetime


VOTES = ("agree", "disagree", "pass")
WITHDRAWN = "withdrawn"  # a vote taken back: the member no longer votes on that argument


@dataclass(frozen=True)
class ArgumentVote:
    """One entry of a member's append-only votes on an argument: the latest one is their vote. An
    endorsement is the agree vote (issue 18: one vocabulary), so endorsing appends an "agree" here."""

    debate_id: int
    argument: int
    member_id: str
    member_name: str
    vote: str  # one of VOTES, or WITHDRAWN
    created_at: datetime


@dataclass(frozen=True)
class Position:
    """One entry of a member's append-only position history in one debate."""

    debate_id: int
    member_id: str
    member_name: str
    side: str
    confidence: int | None
    reason: str | None
    credited: int | None  # the argument number that moved them, if they say so
    phase: int
    recorded_at: datetime
    seq: int = 0  # order of recording, assigned by the store


@dataclass(frozen=True)
class AuditEntry:
    """A moderator's action, kept for the audit log. An action on the whole community (an export of every
    debate, a member forgotten) has no debate and names its space instead."""

    debate_id: int | None
    actor_id: str
    actor_name: str
    action: str
    detail: str
    at: datetime
    space_id: int | None = None


# ---- the agenda -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """Due work of some kind (a round's end, a scheduled prompt, an export), stored with the change that
    caused it and fired once, by the handler registered for its kind. A debate is optional; `key` tells
    two pending jobs of one kind apart (a repeat with the same key is not queued twice)."""

    kind: str
    due_at: datetime
    space_id: int
    key: str
    debate_id: int | None = None
    phase: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


# ---- schedules and the motion queue -----------------------------------------------------------------


@dataclass
class Schedule:
    """A recurring debate (or prompt): when it runs (cron on the wall clock of `zone`), where, and what."""

    id: int
    space_id: int
    number: int
    cron: str
    zone: str
    channel_id: str
    format: str
    source: str  # "motion" (a fixed one), "queue" (the top of the motion queue) or "prompt" (no rounds)
    text: str  # the fixed motion, or the prompt
    state: str  # "active", "paused", "removed"
    next_run_at: datetime | None
    note: str  # why it was paused, when the bot paused it
    created_by: str
    created_by_name: str
    created_at: datetime


@dataclass(frozen=True)
class Motion:
    """A motion members proposed for a future debate; ranked by upvotes, then age."""

    id: int
    space_id: int
    number: int
    text: str
    proposer_id: str
    proposer_name: str
    state: str  # "open", "used", "withdrawn", "rejected"
    created_at: datetime
    upvotes: int = 0
    reason: str | None = None
    closed_by_name: str | None = None
    debate_id: int | None = None
