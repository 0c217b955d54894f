"""Posts that are not one argument, so can never be a pick: one-line junk, stuffing, word salad, glued posts.

Each rule is one a moderator could read and agree with, and each compares a post with its own side where it
can, so that a side that writes long, or in a language with no listed function words, is not punished for
it. Thresholds come from ArgQ-30k, 26,000 real arguments: each rule flags well under 1 % of them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from .tokens import STOPWORDS

MIN_TERMS = 3  # "lol", "so true", "+1", "this!": fewer content words than a claim and a reason need
REPEAT_FLOOR = 12  # only posts this long are checked for repetition
MIN_DISTINCT_SHARE = 0.5  # real arguments repeat few words (0.1st percentile: 0.65 distinct)
SALAD_FLOOR = 8  # words; shorter posts may be telegraphic on purpose
SALAD_SHARE = 0.12  # function-word share below which a long post is a list of keywords, not a sentence
LANGUAGE_SHARE = 0.25  # the side's typical function-word share must show we know its function words
LONG_FACTOR = 2.5  # a post this many times the side's median length may be several posts glued together
LONG_FLOOR = 40  # words; below this nothing counts as long
GLUE_CONTAINED = 0.7  # share of another post's terms that must reappear for the post to "contain" it
OVERLONG_FACTOR = 6  # far beyond the side's usual length: not one point, whatever it contains
# Word salad that keeps some function words: few function words, almost none of its word pairs common
# phrasing (model.Models.phrases), and nearly all its content words taken from the side's other posts (a
# collage of the side's vocabulary). Of 5,784 real ArgQ-30k arguments of 12+ words on topics the phrase
# list was built without, 2 (0.03 %) fall under the first two bounds before the third is applied.
LIST_FLOOR = 12  # words
LIST_FUNCTION_SHARE = 0.2
LIST_PHRASE_SHARE = 0.05
LIST_BORROWED = 0.9  # share of its distinct content words that other posts of the side also use
PHRASE_SAMPLE = 301  # posts the side's typical phrase share is measured on
PHRASE_LANGUAGE = 0.05  # the side's typical phrase share must show the phrase list is of its language


@dataclass(frozen=True)
class Post:
    tokens: Sequence[str]  # words(text)
    terms: Sequence[str]  # stemmed content words


def screen(posts: Sequence[Post], phrases: Collection[tuple[str, str]] = frozenset()) -> list[str]:
    """For each post, why it is not an argument ("" when it is one).

    ``phrases``: word pairs common in real arguments (the learned models'); without them the looser
    word-salad rule is off.
    """
    if not posts:
        return []
    median_words = statistics.median(len(p.tokens) for p in posts)
    function_share = [_function_share(p.tokens) for p in posts]
    shares = [f for f, p in zip(function_share, posts) if len(p.tokens) >= SALAD_FLOOR]
    known_language = bool(shares) and statistics.median(shares) >= LANGUAGE_SHARE
    long_at = max(LONG_FLOOR, LONG_FACTOR * median_words)
    term_sets = [frozenset(p.terms) for p in posts]
    listed = _collages(posts, function_share, phrases, term_sets) if known_language else set()
    verdicts = []
    for i, post in enumerate(posts):
        salad = known_language and len(post.tokens) >= SALAD_FLOOR and function_share[i] < SALAD_SHARE
        salad = salad or i in listed
        verdicts.append(_verdict(i, post, salad, long_at, median_words, term_sets))
    return verdicts


def _verdict(i: int, post: Post, salad: bool, long_at: float, median_words: float,
             term_sets: Sequence[frozenset[str]]) -> str:
    n_terms = len(post.terms)
    if n_terms < MIN_TERMS:
        return "too short to make a point"
    if n_terms >= REPEAT_FLOOR and len(term_sets[i]) < MIN_DISTINCT_SHARE * n_terms and \
            len(post.tokens) > long_at:
        return "repeats its words"  # long for its side and repetitive: stuffing (a whole side may repeat)
    if salad:
        return "a list of words, not a sentence"
    if len(post.tokens) > long_at:
        if len(post.tokens) > max(LONG_FLOOR, OVERLONG_FACTOR * median_words):
            return "far longer than one point"
        if _contains_others(i, term_sets) >= 2:
            return "several posts glued together"
    return ""


def _collages(posts: Sequence[Post], function_share: Sequence[float], phrases: Collection[tuple[str, str]],
              term_sets: Sequence[frozenset[str]]) -> set[int]:
    """Posts of LIST_FLOOR+ words with few function words, whose word pairs are almost never common phrasing
    and whose content words nearly all come from the side's other posts: the side's words shuffled.

    Checked only when some post is a suspect (rare), and against the side's typical phrase share, so that
    a side written in a language the phrase list does not know is left alone.
    """
    suspects = [i for i, p in enumerate(posts)
                if len(p.tokens) >= LIST_FLOOR and function_share[i] < LIST_FUNCTION_SHARE]
    if not suspects or not phrases:
        return set()
    # The side's typical share, from its first few hundred posts long enough to judge: a median needs no more.
    sample = islice((p for p in posts if len(p.tokens) >= SALAD_FLOOR), PHRASE_SAMPLE)
    if statistics.median(_phrase_share(p.tokens, phrases) for p in sample) < PHRASE_LANGUAGE:
        return set()
    suspects = [i for i in suspects if _phrase_share(posts[i].tokens, phrases) <= LIST_PHRASE_SHARE]
    if not suspects:
        return set()
    wanted = frozenset().union(*(term_sets[i] for i in suspects))
    used = Counter(chain.from_iterable(map(wanted.intersection, term_sets)))  # posts using each such term
    return {i for i in suspects if term_sets[i] and
            sum(used[t] > 1 for t in term_sets[i]) >= LIST_BORROWED * len(term_sets[i])}


def _phrase_share(tokens: Sequence[str], phrases: Collection[tuple[str, str]]) -> float:
    pairs = list(zip(tokens, tokens[1:]))
    return len(list(filter(phrases.__contains__, pairs))) / len(pairs) if pairs else 1.0


def _function_share(tokens: Sequence[str]) -> float:
    return len(list(filter(STOPWORDS.__contains__, tokens))) / len(tokens) if tokens else 0.0


def _contains_others(i: int, term_sets: Sequence[frozenset[str]]) -> int:
    """How many other posts of the side reappear (most of their content words) inside post i."""
    mine = term_sets[i]
    count = 0
    for j, other in enumerate(term_sets):
        if j != i and len(other) >= MIN_TERMS and len(mine & other) >= GLUE_CONTAINED * len(other):
            count += 1
    return count
