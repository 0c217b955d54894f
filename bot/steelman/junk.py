"""Posts that are not one argument, so can never be a pick: one-line junk, stuffing, word salad, glued posts.

Each rule is one a moderator could read and agree with, and each compares a post with its own side where it
can, so that a side that writes long, or in a language with no listed function words, is not punished for
it. Thresholds come from ArgQ-30k, 26,000 real arguments: each rule flags well under 1 % of them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Post:
    tokens: Sequence[str]  # words(text)
    terms: Sequence[str]  # stemmed content words


def screen(posts: Sequence[Post]) -> list[str]:
    """For each post, why it is not an argument ("" when it is one)."""
    if not posts:
        return []
    median_words = statistics.median(len(p.tokens) for p in posts)
    function_share = [_function_share(p.tokens) for p in posts]
    shares = [f for f, p in zip(function_share, posts) if len(p.tokens) >= SALAD_FLOOR]
    known_language = bool(shares) and statistics.median(shares) >= LANGUAGE_SHARE
    long_at = max(LONG_FLOOR, LONG_FACTOR * median_words)
    term_sets = [frozenset(p.terms) for p in posts]
    verdicts = []
    for i, post in enumerate(posts):
        salad = known_language and len(post.tokens) >= SALAD_FLOOR and function_share[i] < SALAD_SHARE
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
