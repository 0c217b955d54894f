"""Lexical similarity between arguments without comparing every pair.

Arguments are compared as binary TF-IDF vectors over stemmed unigrams and bigrams. Near-duplicates share
their rarest terms, so each argument is indexed under a short signature (its few rarest terms) and compared
exactly only with the arguments that share at least two signature terms (blocking). Comparisons per argument
are capped, so the pass stays linear in the number of arguments: no all-pairs comparison. Vectors are built
on demand, only for the arguments that are actually compared.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import chain, combinations, filterfalse, repeat
from operator import mul
from typing import NamedTuple

SIGNATURE = 4  # rarest terms an argument is indexed and looked up under
COMMON_DF = 100  # a term shared by more arguments than this is too common to signal a duplicate
OVERLAP_WEIGHT = 0.7  # word overlap of 0.72 resembles as much as a cosine of 0.5
MAX_CANDIDATES = 10  # in a crowded bucket, how many earlier members each argument is compared with
MANY_POSTS = 8  # a member with more posts than this has their share summed once, not compared pairwise
POPULAR = 3  # groups this large get a second pass: a crowd split by its filler words is large
COMMON_SHARE = 0.3  # a word more than this share of the side uses is the motion's, not one point's (CV)
_PAIRS = tuple(n * (n - 1) // 2 for n in range(SIGNATURE + 1))  # bucket keys of a signature of n terms


class Vector(NamedTuple):
    weights: dict[str, float]  # term -> tf-idf weight (not normalised: the norm is kept beside it)
    norm: float


class Corpus:
    """The arguments of one side as lists of distinct terms, with their document frequencies.

    Binary weights, because in a few sentences a repeated word is emphasis, not a second reason.
    """

    def __init__(self, feature_lists: Sequence[Sequence[str]], common_share: float = COMMON_SHARE):
        self.features = feature_lists
        self.common_share = common_share
        self.df: Counter[str] = Counter(chain.from_iterable(feature_lists))
        log_n = math.log(len(feature_lists) + 1)
        # Smoothed idf depends on the document frequency only: one table entry per possible frequency.
        idf = [log_n - math.log(d + 1) + 1.0 for d in range(len(feature_lists) + 1)]
        # term -> idf, once per distinct term: each vector then costs one C-level lookup per term.
        self._weight = dict(zip(self.df, map(idf.__getitem__, self.df.values())))
        self._vectors: dict[int, Vector] = {}
        self._themes: dict[int, Vector] = {}
        self._unigrams: dict[int, frozenset[str]] = {}
        self._common: frozenset[str] | None = None

    def vector(self, i: int) -> Vector:
        vec = self._vectors.get(i)
        if vec is None:
            feats = self.features[i]
            weights = list(map(self._weight.__getitem__, feats))
            vec = self._vectors[i] = Vector(dict(zip(feats, weights)), math.hypot(*weights) or 1.0)
        return vec

    def cosine(self, i: int, j: int) -> float:
        a, b = self.vector(i), self.vector(j)
        wa, wb = a.weights, b.weights
        # The key intersection runs in C; fsum makes the sum independent of the set's iteration order.
        return math.fsum([wa[t] * wb[t] for t in wa.keys() & wb.keys()]) / (a.norm * b.norm)

    def common(self) -> frozenset[str]:
        """Words used by more than ``common_share`` of the side (and by more than two arguments).

        The motion's own words ("cannabis", "legal") run through nearly every argument of a side, whatever
        point it makes: left in, they make every pair look alike and every argument look typical. A word
        only two arguments share is what marks them as one point, so on a small side nothing is dropped.
        """
        if self._common is None:
            cap = max(self.common_share * len(self.features), 2)
            self._common = frozenset(t for t, d in self.df.items() if d > cap)
        return self._common

    def theme(self, i: int) -> Vector:
        """The argument's content words (TF-IDF) but the side's common ones: what point it makes, not how it
        is phrased nor what motion it is about."""
        vec = self._themes.get(i)
        if vec is None:
            # Stems are letters and digits only; bigrams hold a space (both filters run in C).
            feats = list(filterfalse(self.common().__contains__, filter(str.isalnum, self.features[i])))
            weights = list(map(self._weight.__getitem__, feats))
            vec = self._themes[i] = Vector(dict(zip(feats, weights)), math.hypot(*weights) or 1.0)
        return vec

    def theme_cosine(self, i: int, j: int) -> float:
        """Cosine of the content words the side does not all use: two arguments making one point share
        words, rarely phrasing, and the motion's own words say nothing about which point."""
        a, b = self.theme(i), self.theme(j)
        wa, wb = a.weights, b.weights
        return math.fsum([wa[t] * wb[t] for t in wa.keys() & wb.keys()]) / (a.norm * b.norm)

    def centrality(self, authors: Sequence[str] | None = None) -> list[float]:
        """Each argument's cosine with the centroid of the *other members'* content words: how typical of
        the side it is.

        Typical content marks an argument that makes one of the side's recurring points; off-topic posts
        and idiosyncratic asides sit far from the centroid. Each member's posts together weigh as one
        member's (``authors`` gives each argument's author), and a member's own posts are left out of the
        centroid they are compared with: reposting a point does not make it typical. Linear in the corpus.
        """
        vectors = [self.theme(i) for i in range(len(self.features))]
        authors = authors if authors is not None else range(len(vectors))
        posts = Counter(authors)
        centroid: dict[str, float] = {}
        get = centroid.get
        for vec, author in zip(vectors, authors):
            scale = 1.0 / (vec.norm * posts[author])
            # One fused loop: Counter.update over a fresh dict per argument costs twice as much.
            for t, w in vec.weights.items():
                centroid[t] = get(t, 0.0) + w * scale
        norm = math.sqrt(math.fsum(v * v for v in centroid.values())) or 1.0
        own = self._own_shares(vectors, authors, posts)
        out = []
        for i, vec in enumerate(vectors):
            # Leave the author out: a lone post's own share of the centroid is sum(w^2)/norm = norm, so a
            # long post is not typical merely of itself.
            mine = own[i] if i in own else vec.norm
            dot = sum(map(mul, vec.weights.values(), map(centroid.__getitem__, vec.weights))) - mine
            out.append(dot / (vec.norm * norm))
        return out

    @staticmethod
    def _own_shares(vectors: Sequence[Vector], authors: Sequence, posts: Counter) -> dict[int, float]:
        """For arguments whose author posted more than once: their dot with that author's centroid share."""
        mine: dict[object, list[int]] = {}
        for i, author in enumerate(authors):
            if posts[author] > 1:
                mine.setdefault(author, []).append(i)
        out: dict[int, float] = {}
        for author, idx in mine.items():
            if len(idx) == 2:  # the common case: one dot serves both posts
                i, j = idx
                wi, wj = vectors[i].weights, vectors[j].weights
                dot = math.fsum([wi[t] * wj[t] for t in wi.keys() & wj.keys()])
                out[i] = (vectors[i].norm + dot / vectors[j].norm) / 2
                out[j] = (vectors[j].norm + dot / vectors[i].norm) / 2
                continue
            if len(idx) <= MANY_POSTS:  # pairwise: a few C-level key intersections
                for i in idx:
                    wi = vectors[i].weights
                    dots = [math.fsum([wi[t] * wj[t] for t in wi.keys() & wj.keys()]) / vectors[j].norm
                            for j in idx if j != i for wj in (vectors[j].weights,)]
                    out[i] = (vectors[i].norm + math.fsum(dots)) / len(idx)
                continue
            share: dict[str, float] = {}  # a prolific member: their summed share, once
            for j in idx:
                vec = vectors[j]
                for t, w in vec.weights.items():
                    share[t] = share.get(t, 0.0) + w / (vec.norm * len(idx))
            for i in idx:
                out[i] = math.fsum([w * share[t] for t, w in vectors[i].weights.items()])
        return out

    def overlap(self, i: int, j: int) -> float:
        """Share of content words in common (Jaccard), blind to how rare they are."""
        a, b = self._words(i), self._words(j)
        return len(a & b) / len(a | b) if a or b else 0.0

    def resemblance(self, i: int, j: int) -> float:
        """How nearly two arguments say the same thing, 0..1.

        The TF-IDF cosine ignores the motion's own words, but when a crowd repeats one point with their
        own filler words, the point's words become common and their idf sinks below the fillers'. Plain word
        overlap does not have that blind spot, so the larger of the two counts (overlap discounted a little,
        as sharing common words is weaker evidence than sharing rare ones).
        """
        return max(self.cosine(i, j), OVERLAP_WEIGHT * self.overlap(i, j))

    def _words(self, i: int) -> frozenset[str]:
        got = self._unigrams.get(i)
        if got is None:
            got = self._unigrams[i] = frozenset(filter(str.isalnum, self.features[i]))  # bigrams hold a space
        return got


def duplicate_groups(order: Sequence[int], corpus: Corpus, threshold: float) -> dict[int, list[int]]:
    """Group near-duplicates (resemblance >= threshold) around their strongest member.

    ``order`` lists the arguments strongest first. Exact copies (same terms) are bucketed first, so that a
    text pasted a thousand times is one entry in the index, not a thousand that swamp it. A second pass
    compares the leaders of the larger groups found: a point repeated by a crowd, each with their own filler
    words, can split by those idiosyncratic rare words, which among the leaders are no longer rare.
    Returns leader -> members, leader first, in order of strength.
    """
    copies: dict[int, list[int]] = {}
    head_of: dict[tuple[str, ...], int] = {}
    for i in order:
        feats = corpus.features[i]
        # An argument without content words is nobody's copy: there is nothing to compare.
        head = head_of.setdefault(tuple(feats), i) if feats else i  # same terms in the same order
        copies.setdefault(head, []).append(i)
    groups = _merge(copies, corpus, threshold)
    popular = {lead: members for lead, members in groups.items() if len(members) >= POPULAR}
    merged = _merge(popular, corpus, threshold)
    return {lead: members for lead, members in groups.items() if lead not in popular} | merged


def _merge(units: dict[int, list[int]], corpus: Corpus, threshold: float) -> dict[int, list[int]]:
    """Leader clustering of units (leader -> members, strongest first), comparing their leaders only."""
    heads = list(units)
    groups = leader_groups(heads, _neighbours(heads, corpus, threshold), corpus, threshold)
    return {lead: [i for m in members for i in units[m]] for lead, members in groups.items()}


def _signatures(heads: Sequence[int], corpus: Corpus) -> list[list[int]]:
    """Each argument's rarest shared terms (used by another argument, and not by too many), as ranks."""
    if len(heads) == len(corpus.features):
        df = corpus.df  # every argument is a head: the counts are the corpus's own
    else:
        df = Counter(chain.from_iterable(corpus.features[h] for h in heads))  # copies count once
    shareable = sorted(t for t, d in df.items() if 1 < d <= COMMON_DF)
    shareable.sort(key=df.__getitem__)  # stable: equally rare terms stay in name order, in every process
    # Ranks from 1, so that filter(None, ...) drops the unshared terms (no rank) in C before sorting;
    # rank order is rarity order: the first few are the signature.
    rank = dict(zip(shareable, range(1, len(shareable) + 1)))
    return [sorted(filter(None, map(rank.get, corpus.features[h])))[:SIGNATURE] for h in heads]


def _candidate_pairs(heads: Sequence[int], corpus: Corpus) -> set[tuple[int, int]]:
    """Pairs of head positions that share at least two signature terms.

    Every pair of an argument's signature terms is a bucket key, so sharing two rare terms means sharing a
    bucket: no per-argument counting. A crowded bucket links each member to its first (strongest) few only.
    """
    # A very short text's one rare term is its key, paired with -1; every key list is built in C.
    sigs = [sig if len(sig) != 1 else [sig[0], -1] for sig in _signatures(heads, corpus)]
    keys = list(chain.from_iterable(map(combinations, sigs, repeat(2))))
    owners = list(chain.from_iterable(map(repeat, range(len(sigs)), map(_PAIRS.__getitem__, map(len, sigs)))))
    # Most keys belong to one argument only: count them in C and build lists for the shared ones alone.
    shared = {key for key, n in Counter(keys).items() if n > 1}
    buckets: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for key, k in zip(keys, owners):
        if key in shared:
            buckets[key].append(k)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        pairs.update((m, k) for i, k in enumerate(members[1:], 1) for m in members[: min(i, MAX_CANDIDATES)])
    return pairs


def _neighbours(heads: Sequence[int], corpus: Corpus, floor: float) -> list[dict[int, float]]:
    """Symmetric similarity lists over head positions: the candidates resembling each other >= floor."""
    sims: list[dict[int, float]] = [{} for _ in heads]
    for k, m in sorted(_candidate_pairs(heads, corpus)):
        s = corpus.resemblance(heads[k], heads[m])
        if s >= floor:
            sims[k][m] = sims[m][k] = s
    return sims


def leader_groups(
    heads: Sequence[int], sims: Sequence[dict[int, float]], corpus: Corpus, threshold: float,
) -> dict[int, list[int]]:
    """Leader clustering over arguments given strongest first (``sims`` is indexed by position in ``heads``).

    Each argument joins the most similar existing leader it is at least ``threshold`` similar to, or leads a
    new group. Leaders are also reached through their members (a crowd of variants may not all be each
    other's candidates), but similarity is always measured to the leader itself, so A~B~C cannot chain into
    one group when A and C make different points. Returns leader -> members (argument indices, leader first).
    """
    groups: dict[int, list[int]] = {}
    leader_of: dict[int, int] = {}  # position -> position of its leader
    for k, near in enumerate(sims):
        leads = {leader_of[m] for m in near if m in leader_of}
        scored = [(near[ld] if ld in near else corpus.resemblance(heads[k], heads[ld]), -ld) for ld in leads]
        matches = [m for m in scored if m[0] >= threshold]
        lead = -max(matches)[1] if matches else k  # the most similar leader; the stronger one on a tie
        groups.setdefault(heads[lead], []).append(heads[k])
        leader_of[k] = lead
    return groups
