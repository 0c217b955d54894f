"""Common ground and cruxes from who endorsed what, by rate rather than by count.

Each side's members are the members the engine has seen on it: authors of its arguments and endorsers who
held it when they endorsed. An argument's standing with a side is the smoothed share of that side's members
who endorsed it, (endorsers + 1) / (members + 2), so a small side is neither outvoted by a large one nor
decided by one vote. Common ground ranks by the product of those shares over every held side (Polis's
group-informed consensus): high only when every side, including the one that likes it least, endorses it.
Cruxes are the arguments whose shares differ most between sides (Polis's representative statements), with
a rebuttal from another side as extra evidence of disagreement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..summaries import ArgumentView
from .endorse import Endorsements

MIN_VOTERS = 3  # fewer members than this who endorsed anything: too early to call anything common ground
MIN_CRUX_ENDORSERS = 2  # a split needs some support on one side to be a split
MIN_SPLIT = 0.15  # smoothed-share gap below which the sides have not really split
REBUTTAL_WEIGHT = 0.1  # per rebuttal from another side (up to three)


class SideRates:
    """How many members each side has, so endorsement counts become shares."""

    def __init__(self, views: Sequence[ArgumentView], sides: Sequence[str]):
        members: dict[str, set[str]] = {s: set() for s in sides}
        voters: set[str] = set()
        for a in views:
            if a.side in members:
                members[a.side].add(a.author_id)
            for member, side in a.endorsers:
                voters.add(member)
                if side in members:
                    members[side].add(member)
        self.size = {s: len(m) for s, m in members.items() if m}
        self.held = tuple(s for s in sides if s in self.size)
        self.voters = len(voters)

    def shares(self, t: Endorsements) -> dict[str, float]:
        return {s: (t.per_side.get(s, 0) + 1) / (self.size[s] + 2) for s in self.held}


def common_ground_note(rates: SideRates) -> str:
    if len(rates.held) < 2:
        return "Common ground needs members on at least two sides."
    if rates.voters < MIN_VOTERS:
        who = "member has" if rates.voters == 1 else "members have"
        return f"Only {rates.voters} {who} endorsed arguments: too few to call anything common ground."
    return ""


def common_ground(views: Sequence[ArgumentView], tallies: dict[int, Endorsements], rates: SideRates,
                  limit: int) -> list[tuple[float, ArgumentView, dict[str, float]]]:
    """Arguments endorsed on every held side, by the product of their smoothed shares, best first."""
    if common_ground_note(rates):
        return []
    found = []
    for a in views:
        t = tallies[a.number]
        if t.count < len(rates.held) or any(t.per_side.get(s, 0) == 0 for s in rates.held):
            continue  # some side has not endorsed it at all
        shares = rates.shares(t)
        found.append((math.prod(shares.values()), a, shares))
    found.sort(key=lambda f: (-f[0], f[1].number))
    return found[:limit]


def cruxes(views: Sequence[ArgumentView], tallies: dict[int, Endorsements], rates: SideRates,
           limit: int) -> list[tuple[float, ArgumentView, dict[str, float], tuple[int, ...]]]:
    """Arguments the sides split on most: the gap between sides' shares, plus rebuttals from others."""
    if len(rates.held) < 2:
        return []
    by_number = {a.number: a for a in views}
    rebuttals: dict[int, list[int]] = {}
    for r in views:
        target = by_number.get(r.rebuts) if r.rebuts is not None else None
        if target is not None and r.side != target.side:
            rebuttals.setdefault(target.number, []).append(r.number)
    found = []
    for a in views:
        t = tallies[a.number]
        if t.count < MIN_CRUX_ENDORSERS:
            continue
        shares = rates.shares(t)
        split = max(shares.values()) - min(shares.values())
        answers = tuple(sorted(rebuttals.get(a.number, ())))
        if split < MIN_SPLIT and not answers:
            continue
        found.append((split + REBUTTAL_WEIGHT * min(len(answers), 3), a, shares, answers))
    found.sort(key=lambda f: (-f[0], f[1].number))
    return found[:limit]
