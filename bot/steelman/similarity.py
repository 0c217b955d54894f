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
from collections.abc import KeysView, Sequence
from itertools import chain, combinations, compress, filterfalse, repeat
from operator import ge, mul
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


class Typicality:
    """How typical each argument is of its side, and, once picks are made, of what they do not yet stand for.

    Typical content marks an argument that makes one of the side's recurring points; off-topic posts and
    idiosyncratic asides sit far from the centroid of the side's content words. Each member's posts together
    weigh as one member's, and a member's own posts are left out of the centroid they are compared with:
    reposting a point does not make it typical. Linear in the corpus.

    ``cover(i)`` takes a pick and its neighbourhood (the arguments whose content cosine with it reaches
    ``radius``) out of the centroid, so ``residual`` scores how typical an argument is of the rest of the
    side: the next recurring point rather than more of the one already picked. Arguments that make one
    point in different words rarely share enough words to be each other's neighbours, but they share them
    with the same third arguments; taking those out is what moves the centroid off the point.
    """

    def __init__(self, corpus: Corpus, authors: Sequence[str] | None = None):
        self.corpus = corpus
        self.vectors = vectors = [corpus.theme(i) for i in range(len(corpus.features))]
        self.authors = authors = list(authors) if authors is not None else list(range(len(vectors)))
        self.posts = posts = Counter(authors)
        self.scale = [1.0 / (vec.norm * posts[a]) for vec, a in zip(vectors, authors)]
        centroid: dict[str, float] = {}
        get = centroid.get
        for vec, scale in zip(vectors, self.scale):
            # One fused loop: Counter.update over a fresh dict per argument costs twice as much.
            for t, w in vec.weights.items():
                centroid[t] = get(t, 0.0) + w * scale
        self.centroid = centroid
        self.covered: set[int] = set()
        self._keys: list[KeysView[str]] | None = None
        self._norms: list[float] = []
        self._squares: dict[str, float] = {}
        self._near: dict[tuple[int, float], list[int]] = {}
        self._by_author: dict[object, list[int]] | None = None

    def scores(self) -> list[float]:
        """Every argument's typicality of the whole side (nothing covered yet)."""
        vectors, centroid = self.vectors, self.centroid
        norm = math.sqrt(math.fsum(v * v for v in centroid.values())) or 1.0
        own = self._own_shares(vectors, self.authors, self.posts)
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

    def neighbourhood(self, i: int, radius: float) -> list[int]:
        """Argument i and the arguments whose content cosine with it reaches ``radius``, in index order."""
        near = self._near.get((i, radius))
        if near is not None:
            return near
        vec = self.vectors[i]
        if self._keys is None:
            self._keys = [other.weights.keys() for other in self.vectors]
            self._norms = [other.norm for other in self.vectors]
            # A content word weighs its idf in every argument (binary weights), so a dot product is the sum
            # of the squared idfs of the shared words: no lookup in the other argument's vector.
            weights = self.corpus._weight
            self._squares = dict(zip(weights, map(mul, weights.values(), weights.values())))
        # The shared words with every argument, by C-level key intersections; most share none. fsum is
        # exact, so the sums do not depend on the sets' (salted) iteration order.
        shared = map(vec.weights.keys().__and__, self._keys)
        dots = map(math.fsum, map(map, repeat(self._squares.__getitem__), shared))
        reach = map(mul, repeat(radius * vec.norm), self._norms)
        near = self._near[(i, radius)] = sorted({i, *compress(range(len(self._keys)), map(ge, dots, reach))})
        return near

    def cover(self, i: int, radius: float) -> None:
        """Take argument i and its neighbours (content cosine >= radius) out of the centroid."""
        for j in self.neighbourhood(i, radius):
            if j in self.covered:
                continue
            self.covered.add(j)
            scale, centroid = self.scale[j], self.centroid
            for t, w in self.vectors[j].weights.items():
                centroid[t] -= w * scale

    def residual(self, indices: Sequence[int]) -> list[float]:
        """Typicality of the uncovered rest of the side, for the given arguments (author left out)."""
        centroid = self.centroid
        norm = math.sqrt(math.fsum(v * v for v in centroid.values())) or 1.0
        out = []
        for i in indices:
            vec = self.vectors[i]
            # Dicts iterate in insertion order, so this plain sum is the same in every process.
            dot = sum(map(mul, vec.weights.values(), map(centroid.__getitem__, vec.weights))) - self._own(i)
            out.append(dot / (vec.norm * norm))
        return out

    def _own(self, i: int) -> float:
        """Argument i's dot with its author's uncovered share of the centroid."""
        author = self.authors[i]
        if self.posts[author] == 1:
            return 0.0 if i in self.covered else self.vectors[i].norm
        if self._by_author is None:
            self._by_author = {}
            for j, a in enumerate(self.authors):
                if self.posts[a] > 1:
                    self._by_author.setdefault(a, []).append(j)
        wi = self.vectors[i].weights
        return math.fsum(math.fsum([wi[t] * wj[t] for t in wi.keys() & wj.keys()]) * self.scale[j]
                         for j in self._by_author[author] if j not in self.covered
                         for wj in (self.vectors[j].weights,))


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
