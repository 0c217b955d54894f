"""The default steelman engine: offline, extractive, standard library only.

For each side it sets aside posts that are not one argument (junk.py), groups near-duplicates, and gives each
group a merit: its best member's predicted quality and chance of making a recurring point (learned from
ArgQ-30k and ArgKP, standardised within the side), the number of distinct members who made the point, and
endorsements (from other sides weighing more). Maximal marginal relevance then picks distinct points
(select.py), re-measuring after each pick how typical each candidate is of what the picks do not yet stand
for, and shows each point by its strongest statement nearby. A slot stays empty rather than hold junk or a
repeat. Common ground and cruxes come from endorsement rates (bridging.py). Deterministic: ties fall to the
lower argument number.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from ..summaries import ArgumentView, Crux, Pick, SteelmanReport
from . import bridging, textcache
from .endorse import Endorsements, tally
from .junk import Post, screen
from .model import Models, load
from .select import NOVELTY, Candidate, greedy, standardised
from .similarity import COMMON_SHARE, Corpus, Typicality, duplicate_groups

DUPLICATE_THRESHOLD = 0.5  # resemblance at which two arguments make the same point in nearly the same words
WEIGHT_QUALITY = 1.0
# Relative to quality (both standardised). Leave-topics-out CV on five partitions of the ArgKP topics, models
# retrained per fold: 0.5 held out a coverage lift over random of +0.093 (mean), 0.25 +0.117 and 0 +0.120,
# better in every partition; 0.25 keeps more of the quality (WA 0.881 against 0.878).
WEIGHT_ON_POINT = 0.25
WEIGHT_CENTRAL = 0.75  # typical of the side's content (standardised; select.py re-measures it per pick); CV
SPREAD_FLOOR = {"quality": 0.03, "on_point": 0.03, "central": 0.04}
WEIGHT_SUPPORT = 0.2  # per doubling of distinct members: popularity alone repeats the typical point
WEIGHT_ENDORSE = 0.5  # per e-fold of bridging-weighted endorsements
WEIGHT_FULLER = 0.5  # per e-fold of content terms, choosing among near-duplicates the one that says most
FINE_SAMPLE = 500  # arguments of a side the finer quality model reads for its mean and spread (_statement)



@dataclass(frozen=True)
class Tuning:
    """The selection constants (defaults above); the bench chooses them by nested leave-topics-out CV."""

    on_point: float = WEIGHT_ON_POINT
    central: float = WEIGHT_CENTRAL
    support: float = WEIGHT_SUPPORT
    novelty: float = NOVELTY
    common: float = COMMON_SHARE  # share of the side above which a word says nothing about the point


DEFAULT = Tuning()
GroupsOf = dict[int, tuple[int, tuple[int, ...]]]  # representative number -> (members, similar numbers)


def summarize(arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3,
              models: Models | None = None, tuning: Tuning = DEFAULT) -> SteelmanReport:
    """The strongest distinct arguments of each side, the common ground and the open cruxes."""
    with _collector_paused():
        return _summarize(arguments, sides, per_side, models, tuning)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off while the engine runs.

    The engine allocates hundreds of thousands of lists, dicts and tuples that it frees itself and that form
    no cycles, yet each allocation burst triggers collections that walk every tracked object in the process
    (the bot's, and the per-text cache's): about a quarter of the time for a 10,000-argument side. The call is
    synchronous, so nothing else allocates meanwhile; the collector is restored (and runs normally) after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _summarize(arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int,
               models: Models | None, tuning: Tuning) -> SteelmanReport:
    unique: dict[int, ArgumentView] = {}
    for a in sorted(arguments, key=lambda a: a.number):
        unique.setdefault(a.number, a)  # one view per number, whatever the caller sent
    views = list(unique.values())
    per_side = max(per_side, 0)
    models = models or load()
    tallies = {a.number: tally(a, sides) for a in views}
    report = SteelmanReport()
    groups_of: GroupsOf = {}
    for side in sides:
        side_views = [a for a in views if a.side == side]
        picks, distinct = _side_picks(side_views, tallies, per_side, groups_of, models, tuning)
        report.sides[side] = picks
        report.distinct_points[side] = distinct
        if side_views and per_side and distinct < per_side:
            report.notes[side] = _only(distinct)
    rates = bridging.SideRates(views, sides)
    report.common_ground_note = bridging.common_ground_note(rates)
    report.common_ground = [
        _pick(a, groups_of, tallies, score, shares)
        for score, a, shares in bridging.common_ground(views, tallies, rates, per_side)
    ]
    report.cruxes = [_crux(*found, tallies[found[1].number].count)
                     for found in bridging.cruxes(views, tallies, rates, per_side)]
    return report


def _only(distinct: int) -> str:
    if distinct == 0:
        return "None of this side's posts makes a point."
    return f"Only {distinct} distinct point{'s were' if distinct != 1 else ' was'} made."


# ---- the strongest case of one side ------------------------------------------------------------------


def _side_picks(
    views: list[ArgumentView], tallies: dict[int, Endorsements], per_side: int, groups_of: GroupsOf,
    models: Models, tuning: Tuning = DEFAULT,
) -> tuple[list[Pick], int]:
    """The side's picks, best first, and how many distinct points it made; fills ``groups_of``."""
    cache = textcache.for_models(models)
    parsed = [cache.parsed(a.text) for a in views]
    verdicts = screen([Post(p.tokens, p.stems) for p in parsed], models.phrases)
    kept = [i for i, v in enumerate(verdicts) if not v]
    if not kept:
        return [], 0
    views = [views[i] for i in kept]
    corpus = Corpus([parsed[i].features for i in kept], tuning.common)
    scored = [cache.scores(a.text) for a in views]
    qual = standardised([q for q, _ in scored], SPREAD_FLOOR["quality"])
    point = standardised([p for _, p in scored], SPREAD_FLOOR["on_point"])
    typical = Typicality(corpus, [a.author_id for a in views])
    central = standardised(typical.scores(), SPREAD_FLOOR["central"])
    base = [WEIGHT_QUALITY * q + tuning.on_point * p + tuning.central * c
            for q, p, c in zip(qual, point, central)]
    # Groups form around the strongest (best argued, most endorsed) members, visited first.
    strength = [b + WEIGHT_ENDORSE * tallies[a.number].weight_log for b, a in zip(base, views)]
    order = sorted(range(len(views)), key=lambda i: (-strength[i], views[i].number))
    groups = duplicate_groups(order, corpus, DUPLICATE_THRESHOLD)
    candidates = []
    for members in groups.values():
        members = _fullest_first(members, strength, corpus, views)
        lead = members[0]
        people = len({views[i].author_id for i in members})  # reposts by one member count once
        groups_of[views[lead].number] = (people, tuple(sorted(views[i].number for i in members[1:])))
        # Typicality is left out of the merit: the selection re-measures it as picks are made.
        merit = _merit(members, views, base, people, tallies, tuning)
        candidates.append(Candidate(lead, views[lead].number, merit - tuning.central * central[lead], merit))
    if per_side == 0:
        return [], len(groups)
    chosen = greedy(candidates, corpus, per_side, DUPLICATE_THRESHOLD, typical, tuning.central,
                    SPREAD_FLOOR["central"], tuning.novelty, statement=_statement(views, qual, cache))
    return [_pick(views[c.index], groups_of, tallies, value) for c, value in chosen], len(groups)


def _statement(views: list[ArgumentView], qual: list[float], cache: textcache.TextCache
               ) -> Callable[[Candidate], float]:
    """How well a candidate states its point (select._face): its merit with the finer quality model's
    reading in place of the coarse one's, both standardised within the side.

    Only the few arguments near each pick are compared, so the finer model reads those, and a sample of
    the side (every argument up to FINE_SAMPLE, evenly spaced beyond) gives its mean and spread.
    """
    if cache.models.fine is None:
        return lambda c: c.merit
    step = max(1, math.ceil(len(views) / FINE_SAMPLE))
    sample = [cache.fine(a.text) for a in views[::step]]
    mean = math.fsum(sample) / len(sample)
    spread = math.sqrt(math.fsum([(v - mean) ** 2 for v in sample]) / len(sample))
    spread = max(spread, SPREAD_FLOOR["quality"])

    def statement(c: Candidate) -> float:
        fine = (cache.fine(views[c.index].text) - mean) / spread
        return c.merit + WEIGHT_QUALITY * (fine - qual[c.index])

    return statement


def _fullest_first(members: list[int], strength: list[float], corpus: Corpus,
                   views: list[ArgumentView]) -> list[int]:
    """A group's members with its representative first: the strongest, counting how much each says.

    Near-duplicates make one point, so the predicted quality barely tells them apart (a restatement with a
    figure and its source can score a hair below the bare claim); the one with more content terms states
    the point more fully. Stronger members (endorsed, better argued) still win over a longer text. Each
    member stands in by their first post of the point: reposting it with a word added ("Honestly, ...")
    gives them no second chance to be its face.
    """
    if len(members) == 1:
        return members
    first: dict[str, int] = {}
    for i in sorted(members, key=lambda i: views[i].number):
        first.setdefault(views[i].author_id, i)

    def fullness(i: int) -> float:
        return strength[i] + WEIGHT_FULLER * math.log(len(corpus.features[i]) + 1)

    lead = max(first.values(), key=lambda i: (fullness(i), -i))
    return [lead, *(i for i in members if i != lead)]


def _merit(members: list[int], views: list[ArgumentView], base: list[float], people: int,
           tallies: dict[int, Endorsements], tuning: Tuning) -> float:
    # Each member endorses a point once, however many of its duplicates they endorsed.
    endorsers = {m: w for i in members for m, w in tallies[views[i].number].by_member.items()}
    return (base[members[0]] + tuning.support * math.log2(people)
            + WEIGHT_ENDORSE * math.log1p(math.fsum(sorted(endorsers.values()))))


def _pick(view: ArgumentView, groups_of: GroupsOf, tallies: dict[int, Endorsements], score: float,
          shares: dict[str, float] | None = None) -> Pick:
    support, similar = groups_of.get(view.number, (1, ()))
    t = tallies[view.number]
    ranked = tuple(sorted(((s, round(v, 4)) for s, v in (shares or {}).items()), key=lambda sv: sv[1]))
    return Pick(
        number=view.number, side=view.side, text=view.text, author_name=view.author_name, support=support,
        similar=similar, endorsements=t.count, cross_endorsements=t.cross, score=round(score, 4),
        side_shares=ranked,
    )


def _crux(score: float, a: ArgumentView, shares: dict[str, float], answers: tuple[int, ...],
          endorsements: int) -> Crux:
    ranked = tuple(sorted(((s, round(v, 4)) for s, v in shares.items()), key=lambda sv: sv[1]))
    return Crux(number=a.number, side=a.side, text=a.text, author_name=a.author_name,
                endorsements=endorsements, rebuttals=answers,
                split=round(max(shares.values()) - min(shares.values()), 4), side_shares=ranked)
