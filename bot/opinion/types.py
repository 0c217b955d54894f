"""What the opinion-group engine takes and returns. Standard library only, so the core can name
these types (and read a result) on an install without numpy."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

AGREE, DISAGREE, PASS = 1, -1, 0
VOTE_VALUES = (AGREE, DISAGREE, PASS)


class OpinionEngineUnavailable(RuntimeError):
    """numpy, which the engine computes with, is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "finding opinion groups needs numpy: install the extra with "
            "pip install 'steelman[opinion]'"
        )


@dataclass(frozen=True)
class Vote:
    """One member's vote on one argument. When a member voted on an argument more than once, the
    vote with the largest ``at`` counts (the core keeps changes append-only; this is its latest
    state)."""

    member_id: Hashable
    argument: int
    value: int  # 1 agree, -1 disagree, 0 pass
    side: str | None = None  # the member's declared side, if the caller knows it
    at: float = 0.0

    def __post_init__(self) -> None:
        if self.value not in VOTE_VALUES:
            raise ValueError(f"a vote is 1 (agree), -1 (disagree) or 0 (pass), not {self.value!r}")


@dataclass(frozen=True)
class OpinionSettings:
    min_votes: int = 7  # per member, capped at the number of arguments (Polis: min(7, arguments))
    # fewer counted members than this cannot be split into groups worth showing
    min_members: int = 5
    # inclusive range of group counts that silhouette chooses from
    groups: tuple[int, int] = (2, 5)
    group_margin: float = 0.05  # silhouette a larger group count must add over a smaller one
    # members beyond this are scored for silhouette on a seeded sample
    silhouette_sample: int = 3000
    seed: int = 0
    restarts: int = 10  # k-means starts per group count; the tightest wins
    # agreeing with at least this share of one's votes flags a member
    agree_all_share: float = 0.95
    # a flagged member counts this much in the tallies: representative arguments and consensus
    agree_all_weight: float = 0.25
    representative: int = 5  # at most this many representative arguments per group
    # one-sided 90% significance, the level Polis's representativeness test uses
    z_90: float = 1.2816

    def __post_init__(self) -> None:
        low, high = self.groups
        if not 2 <= low <= high:
            raise ValueError(f"group range must satisfy 2 <= low <= high, got {self.groups}")
        if self.min_votes < 1 or self.min_members < 3 or self.silhouette_sample < 3:
            raise ValueError(
                "min_votes >= 1, min_members >= 3 and silhouette_sample >= 3 are required")
        if self.group_margin < 0:
            raise ValueError("group_margin must be >= 0")
        if not 0.0 < self.agree_all_share <= 1.0 or not 0.0 < self.agree_all_weight <= 1.0:
            raise ValueError("agree_all_share and agree_all_weight must lie in (0, 1]")


@dataclass(frozen=True)
class RepresentativeArgument:
    """An argument that sets a group apart: the group votes ``direction`` on it much more than the
    rest."""

    argument: int
    direction: Literal["agree", "disagree"]
    group_share: float  # share of the group's votes on it that go that way
    others_share: float  # the same share among everyone outside the group
    ratio: float  # smoothed group probability over smoothed others' probability
    z_group: float  # one-proportion test: the group leans that way (vs 0.5)
    z_apart: float  # two-proportion test: the group leans that way more than the rest
    votes: int  # how many group members voted on it


@dataclass(frozen=True)
class OpinionGroup:
    id: int  # 0 is the largest group
    label: str  # "A", "B", ... in id order
    size: int
    member_ids: tuple[Hashable, ...]
    # declared side -> members, most first; "" for no declared side
    sides: tuple[tuple[str, int], ...]
    representative: tuple[RepresentativeArgument, ...]


@dataclass(frozen=True)
class ConsensusArgument:
    """An argument's group-informed consensus: how far every group agrees with it."""

    argument: int
    score: float  # product over groups of (agrees + 1) / (votes + 2)
    lowest_agree: float  # the smallest of those per-group probabilities
    agree_by_group: tuple[float, ...]  # per group id
    every_group_agrees: bool  # each group agrees more often than not (lowest_agree > 0.5)


@dataclass(frozen=True)
class MemberPoint:
    """A counted member's place on the opinion map (the first two principal components)."""

    member_id: Hashable
    x: float
    y: float
    group: int
    side: str | None
    agrees_with_everything: bool


@dataclass(frozen=True)
class OpinionResult:
    found: bool
    reason: str  # why no groups were found, or a one-line account of what was found
    members_voting: int  # members with at least one vote
    members_counted: int  # members with enough votes to be placed
    votes: int  # current votes (latest per member and argument)
    arguments: int
    min_votes: int  # votes a member needs to be counted, after the cap at the number of arguments
    min_members: int
    groups: tuple[OpinionGroup, ...] = ()
    consensus: tuple[ConsensusArgument, ...] = ()  # arguments every group agrees with, best first
    ranking: tuple[ConsensusArgument, ...] = ()  # every argument by group-informed consensus
    points: tuple[MemberPoint, ...] = ()
    flagged: tuple[Hashable, ...] = ()  # members who agree with (nearly) everything, weighed down
    silhouette: float | None = None  # of the chosen group count
    # (group count, silhouette) for every count tried
    silhouettes: tuple[tuple[int, float], ...] = ()
    variance_explained: tuple[float, float] = (0.0, 0.0)  # share of variance on each map axis
