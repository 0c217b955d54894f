"""What summary engines see and return: argument views, picks, cruxes, the steelman report."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ArgumentView:
    """What a summary engine sees of one argument."""

    number: int
    side: str
    text: str
    author_id: str
    author_name: str
    rebuts: int | None = None
    endorsers: tuple[tuple[str, str], ...] = ()  # (member_id, that member's current side)


@dataclass(frozen=True)
class Pick:
    number: int
    side: str
    text: str
    author_name: str
    support: int  # how many distinct members (its author included) made this point
    similar: tuple[int, ...] = ()  # numbers of the near-duplicates it stands for
    endorsements: int = 0
    cross_endorsements: int = 0  # from members holding another side
    score: float = 0.0
    # Common ground: each side's share of its members who endorsed it, as (side, share), weakest first.
    side_shares: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Crux:
    number: int
    side: str
    text: str
    author_name: str
    endorsements: int
    rebuttals: tuple[int, ...]  # arguments of other sides that rebut it
    split: float = 0.0  # how far apart the sides' endorsement rates are, 0..1
    side_shares: tuple[tuple[str, float], ...] = ()  # (side, share of its members who endorsed)


@dataclass
class SteelmanReport:
    sides: dict[str, list[Pick]] = field(default_factory=dict)
    common_ground: list[Pick] = field(default_factory=list)
    cruxes: list[Crux] = field(default_factory=list)
    engine: str = "extractive"
    distinct_points: dict[str, int] = field(default_factory=dict)  # side -> distinct points made
    # side -> a plain note when a side made fewer distinct points than were asked for
    notes: dict[str, str] = field(default_factory=dict)
    common_ground_note: str = ""  # why there is no common ground yet, when there is none
    # What a member should know about who wrote this, e.g. why the LLM's summary was not used.
    engine_note: str = ""
    # side -> the LLM's points in its own words, each citing argument numbers (the picks are its sources)
    points: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredSteelman:
    """A language model's steelman of a closed debate as the bot posted it: per side, the digest of the
    picks it summarised (`picks_digest`) and its points; which model; its note; when it was written."""

    model: str
    sides: dict[str, tuple[str, tuple[str, ...]]]
    note: str
    written_at: datetime

    @classmethod
    def of(cls, report: SteelmanReport, model: str, now: datetime) -> "StoredSteelman":
        return cls(model, {side: (picks_digest(report.sides.get(side, [])), tuple(points))
                           for side, points in report.points.items()}, report.engine_note, now)


def picks_digest(picks: list[Pick]) -> str:
    """Which picks (numbers and texts) a side's points summarise: they apply to these and no others."""
    state = json.dumps([(p.number, p.text) for p in picks], ensure_ascii=False)
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SideRating:
    """How members rated one side's steelman: its own members ("does this capture your view?") and the
    members of other sides ("is this fair to them?"), each member's latest rating counting once."""

    side: str
    own_mean: float = 0.0
    own_count: int = 0
    others_mean: float = 0.0
    others_count: int = 0


@dataclass(frozen=True)
class Rating:
    """One member's 1-5 rating of one side's steelman (stored append-only; the latest counts)."""

    debate_id: int
    side: str  # whose case was rated
    member_id: str
    member_name: str
    member_side: str  # the side the member held when rating
    stars: int
    engine: str  # which engine wrote the summary that was rated
    created_at: datetime


def side_ratings(ratings: list[Rating]) -> dict[str, SideRating]:
    """Per rated side: its own members' mean and count, and other members' (latest rating each)."""
    latest = {(r.side, r.member_id): r for r in sorted(ratings, key=lambda r: r.created_at)}
    by_side: dict[str, tuple[list[int], list[int]]] = {}
    for r in latest.values():
        own, others = by_side.setdefault(r.side, ([], []))
        (own if r.member_side == r.side else others).append(r.stars)
    return {side: SideRating(side, _mean(own), len(own), _mean(others), len(others))
            for side, (own, others) in by_side.items()}


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0
