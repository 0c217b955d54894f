"""Who endorsed an argument, weighted for bridging.

An endorsement from someone who currently holds another side says more about an argument's strength than
one from its own camp, so it weighs more; an undecided member sits in between. Self-endorsements and repeat
endorsements by the same member are ignored everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from ..summaries import ArgumentView

SAME_SIDE = 1.0
IN_BETWEEN = 1.5  # undecided members, or sides the debate does not list
CROSS_SIDE = 2.5


class Endorsements(NamedTuple):  # a NamedTuple: built for every endorsed argument, cheaply
    count: int
    cross: int  # from members holding another of the debate's sides
    by_member: dict[str, float]  # member id -> bridging weight
    per_side: dict[str, int]  # endorser's current side -> how many

    @property
    def weight_log(self) -> float:
        return math.log1p(sum(self.by_member.values()))


NONE = Endorsements(count=0, cross=0, by_member={}, per_side={})


def tally(view: ArgumentView, sides: Sequence[str]) -> Endorsements:
    if not view.endorsers:
        return NONE  # most arguments: skip the bookkeeping
    side_of: dict[str, str] = {}
    for member, side in view.endorsers:
        if member != view.author_id and member not in side_of:
            side_of[member] = side
    by_member = {m: _weight(view.side, s, sides) for m, s in side_of.items()}
    per_side: dict[str, int] = {}
    for s in side_of.values():
        per_side[s] = per_side.get(s, 0) + 1
    cross = sum(w == CROSS_SIDE for w in by_member.values())
    return Endorsements(count=len(side_of), cross=cross, by_member=by_member, per_side=per_side)


def _weight(arg_side: str, member_side: str, sides: Sequence[str]) -> float:
    if member_side == arg_side:
        return SAME_SIDE
    if member_side in sides and arg_side in sides:
        return CROSS_SIDE
    return IN_BETWEEN


def active_sides(views: Sequence[ArgumentView], sides: Sequence[str]) -> set[str]:
    """The debate's sides that someone holds: an author of an argument or an endorser of one."""
    held = {a.side for a in views}
    held.update(s for a in views for _, s in a.endorsers)
    return held & set(sides)
