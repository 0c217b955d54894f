"""Choosing a few distinct points: greedy coverage of the side's shared vocabulary with an MMR penalty.

A "concept" is a stemmed content word that several arguments of the side use but that is not so common that
it merely names the motion. A pick is worth its own merit (quality, support, endorsements) plus the weight of
the concepts it covers that no earlier pick covered, minus a penalty for resembling an earlier pick. The
coverage term is what spreads the picks over the side's distinct reasons: once "bullying" is covered, the next
bullying argument gains little. Every term can only shrink as picks accumulate, so a lazy greedy (re-score
only the current best) gives exactly the plain greedy's answer at a fraction of the work.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .similarity import Corpus

MIN_DF = 2  # a word only one argument uses is not a point the side shares
MAX_DF_SHARE = 0.4  # a word in more than this share of arguments names the motion, not a reason
WEIGHT_COVER = 2.5
COVER_SATURATION = 1.0  # gains are squashed as g / (g + s): a long ramble cannot buy every concept
DIVERSITY = 0.3  # penalty per unit of resemblance to the closest earlier pick


@dataclass(frozen=True)
class Candidate:
    index: int  # the representative argument's index in the side
    number: int  # its argument number, for tie-breaking
    merit: float  # quality, support and endorsements: what does not depend on other picks


def concept_weights(corpus: Corpus, indices: Sequence[int]) -> dict[int, dict[str, float]]:
    """For the given arguments, each word's weight as a concept.

    The weight is the square root of how many arguments use the word, or 0 for a word too rare or too common
    to be a shared reason.
    """
    high = max(MIN_DF, MAX_DF_SHARE * len(corpus.features))
    root = [math.sqrt(d) if MIN_DF <= d <= high else 0.0 for d in range(len(corpus.features) + 1)]
    weight_of_df, df_of = root.__getitem__, corpus.df.__getitem__
    out = {}
    for i in indices:
        # Unigrams only (bigrams hold a space, so are not alphanumeric): a shared word is a shared theme, a
        # shared bigram is phrasing. Kept in text order, so float sums come out the same in every process.
        unigrams = list(filter(str.isalnum, corpus.features[i]))
        out[i] = dict(zip(unigrams, map(weight_of_df, map(df_of, unigrams))))
    return out


def greedy(
    candidates: Sequence[Candidate], corpus: Corpus, k: int, same_point: float,
) -> list[tuple[Candidate, float]]:
    """The k candidates chosen one at a time for the best marginal value; returns (candidate, value).

    A candidate at least ``same_point`` similar to an earlier pick is never chosen: it is a duplicate that
    grouping missed, and no two picks may make the same point.
    """
    if not candidates or k <= 0:
        return []
    concepts = concept_weights(corpus, [c.index for c in candidates])
    typical = sum(sum(concepts[c.index].values()) for c in candidates) / len(candidates) or 1.0
    covered: set[str] = set()
    chosen: list[tuple[Candidate, float]] = []

    def value(c: Candidate) -> float:
        weights = concepts[c.index]
        gain = (sum(w for t, w in weights.items() if t not in covered) if covered else sum(weights.values()))
        gain /= typical
        closest = max((corpus.resemblance(c.index, p.index) for p, _ in chosen), default=0.0)
        if closest >= same_point:
            return -math.inf
        return c.merit + WEIGHT_COVER * gain / (gain + COVER_SATURATION) - DIVERSITY * closest

    heap = [(-value(c), c.number, i) for i, c in enumerate(candidates)]
    heapq.heapify(heap)
    while heap and len(chosen) < k:
        _, number, i = heapq.heappop(heap)
        fresh = value(candidates[i])
        if fresh == -math.inf:
            continue
        if heap and (-fresh, number) > heap[0][:2]:
            heapq.heappush(heap, (-fresh, number, i))  # stale bound: someone else may be better now
            continue
        chosen.append((candidates[i], fresh))
        covered.update(concepts[candidates[i].index])
    return chosen
