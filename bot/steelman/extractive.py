"""The default steelman engine: offline, extractive, standard library only.

For each side it groups near-duplicate arguments (support), gives each group a merit from its best member's
quality, its support and its endorsements (counting endorsements from other sides more: bridging), then picks
a few groups greedily: merit, plus the side's shared vocabulary a pick covers that earlier picks did not,
minus a penalty for resembling an earlier pick (maximal marginal relevance), so the picks cover distinct
points. Every pick is an argument shown verbatim, standing for its group. Common ground and cruxes come from
the endorsement and rebuttal graph alone. Everything is deterministic: ties fall to the lower argument number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..summaries import ArgumentView, Crux, Pick, SteelmanReport
from .endorse import Endorsements, active_sides, tally
from .quality import quality
from .select import Candidate, greedy
from .similarity import Corpus, duplicate_groups
from .tokens import features, terms, words

DUPLICATE_THRESHOLD = 0.5  # cosine at which two arguments make the same point in nearly the same words
WEIGHT_QUALITY = 1.0
WEIGHT_SUPPORT = 0.15  # per doubling of the group: popularity alone repeats the typical point (see the bench)
WEIGHT_ENDORSE = 0.5  # per e-fold of bridging-weighted endorsements

GroupsOf = dict[int, tuple[int, tuple[int, ...]]]  # representative number -> (support, similar numbers)


def summarize(arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3) -> SteelmanReport:
    """The strongest distinct arguments of each side, the common ground and the open cruxes."""
    unique: dict[int, ArgumentView] = {}
    for a in sorted(arguments, key=lambda a: a.number):
        unique.setdefault(a.number, a)  # one view per number, whatever the caller sent
    views = list(unique.values())
    per_side = max(per_side, 0)
    tallies = {a.number: tally(a, sides) for a in views}
    report = SteelmanReport()
    groups_of: GroupsOf = {}
    for side in sides:
        side_views = [a for a in views if a.side == side]
        report.sides[side] = _side_picks(side_views, tallies, per_side, groups_of)
    report.common_ground = _common_ground(views, sides, tallies, groups_of, per_side)
    report.cruxes = _cruxes(views, tallies, per_side)
    return report


# ---- the strongest case of one side ------------------------------------------------------------------


def _side_picks(
    views: list[ArgumentView], tallies: dict[int, Endorsements], per_side: int, groups_of: GroupsOf,
) -> list[Pick]:
    """The side's picks, best first; records every group's support in ``groups_of``."""
    if not views or per_side == 0:
        return []
    tokens = [words(a.text) for a in views]
    corpus = Corpus([features(terms(t)) for t in tokens])
    qual = [quality(a.text, t) for a, t in zip(views, tokens)]
    # Visiting the strongest first makes the best-quality, most-endorsed member each group's representative.
    strength = [qual[i] + WEIGHT_ENDORSE * tallies[a.number].weight_log for i, a in enumerate(views)]
    order = sorted(range(len(views)), key=lambda i: (-strength[i], views[i].number))
    groups = duplicate_groups(order, corpus, DUPLICATE_THRESHOLD)
    candidates = []
    for lead, members in groups.items():
        groups_of[views[lead].number] = (len(members), tuple(sorted(views[i].number for i in members[1:])))
        candidates.append(Candidate(lead, views[lead].number, _merit(members, views, qual, tallies)))
    chosen = greedy(candidates, corpus, per_side, same_point=DUPLICATE_THRESHOLD)
    return [_pick(views[c.index], groups_of, tallies, value) for c, value in chosen]


def _merit(
    members: list[int], views: list[ArgumentView], qual: list[float], tallies: dict[int, Endorsements],
) -> float:
    # Each member endorses a point once, however many of its duplicates they endorsed.
    endorsers = {m: w for i in members for m, w in tallies[views[i].number].by_member.items()}
    return (
        WEIGHT_QUALITY * qual[members[0]]
        + WEIGHT_SUPPORT * math.log2(len(members))
        + WEIGHT_ENDORSE * math.log1p(sum(endorsers.values()))
    )


def _pick(view: ArgumentView, groups_of: GroupsOf, tallies: dict[int, Endorsements], score: float) -> Pick:
    support, similar = groups_of.get(view.number, (1, ()))
    t = tallies[view.number]
    return Pick(
        number=view.number, side=view.side, text=view.text, author_name=view.author_name, support=support,
        similar=similar, endorsements=t.count, cross_endorsements=t.cross, score=round(score, 4),
    )


# ---- common ground and cruxes ------------------------------------------------------------------------


def _common_ground(
    views: list[ArgumentView], sides: Sequence[str], tallies: dict[int, Endorsements],
    groups_of: GroupsOf, per_side: int,
) -> list[Pick]:
    """Arguments endorsed by members of every side that anyone holds, ranked by their weakest side."""
    needed = active_sides(views, sides)
    if len(needed) < 2:
        return []
    found = []
    for a in views:
        if tallies[a.number].count < len(needed):
            continue  # too few endorsers to span the sides: skip the per-side check
        per = tallies[a.number].per_side
        if all(per.get(s, 0) > 0 for s in needed):
            # Bridging: the side that likes it least decides; total endorsement breaks ties.
            bridging = min(per[s] for s in needed) + 0.01 * tallies[a.number].count
            found.append((bridging, a))
    found.sort(key=lambda fa: (-fa[0], fa[1].number))
    return [_pick(a, groups_of, tallies, bridging) for bridging, a in found[:per_side]]


def _cruxes(views: list[ArgumentView], tallies: dict[int, Endorsements], per_side: int) -> list[Crux]:
    """Arguments one side rallies behind (2+ endorsements, mostly one side) and another side rebuts."""
    by_number = {a.number: a for a in views}
    rebuttals: dict[int, list[int]] = {}
    for r in views:
        target = by_number.get(r.rebuts) if r.rebuts is not None else None
        if target is not None and r.side != target.side:
            rebuttals.setdefault(target.number, []).append(r.number)
    found = []
    for number, rebutters in rebuttals.items():
        t = tallies[number]
        if t.count >= 2 and max(t.per_side.values(), default=0) * 2 > t.count:
            found.append((t.count + len(rebutters), t.count, by_number[number], tuple(sorted(rebutters))))
    found.sort(key=lambda f: (-f[0], -f[1], f[2].number))
    return [
        Crux(number=a.number, side=a.side, text=a.text, author_name=a.author_name, endorsements=n, rebuttals=rebs)
        for _, n, a, rebs in found[:per_side]
    ]
