"""Tokens for comparing arguments: lower-case words, a light stemmer, stopwords, unigrams + bigrams.

Standard library only. The stemmer is deliberately crude (a handful of English suffix rules): it only has to
make "taxes"/"taxed"/"taxing" meet, not produce dictionary words, and a per-word cache keeps it cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Function words carry no point of their own. Negations stay ("not", "no", "never"; "n't" becomes "not"):
# "should not" and "should" are different points, and near-duplicate detection must not merge them.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself
him himself his how i if in into is it its itself just me more most my myself of off on once only or other our
ours ourselves out over own same she so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who whom why will
with you your yours yourself yourselves also because since would thing things get gets got lot lots
one ones make makes made many much even really way ways
""".split())

_SUFFIXES = (
    ("ational", "ate"), ("ization", "ize"), ("fulness", "ful"), ("iveness", "ive"), ("ousness", "ous"),
    ("ies", "y"), ("sses", "ss"), ("ments", "ment"), ("ings", ""), ("ing", ""), ("edly", ""), ("ed", ""),
    ("ly", ""), ("es", ""), ("s", ""),
)
_KEEP_S = ("ss", "us", "is", "as", "os")
MAX_CACHED_WORDS = 200_000  # a long-running bot sees new words forever; this bounds the memory


class _TermCache(dict[str, str]):
    """Word -> stemmed term, or "" for a stopword; filled on first sight so lookups stay in C."""

    def __missing__(self, word: str) -> str:
        if len(self) >= MAX_CACHED_WORDS:
            self.clear()
        term = self[word] = "" if word in STOPWORDS else stem(word)
        return term


_terms = _TermCache()


def stem(word: str) -> str:
    """A crude English stem: "taxes", "taxed", "taxing" -> "tax"; "shouldn't" -> "not"."""
    if "'" in word:
        if word.endswith("n't"):
            return "not"  # "can't", "shouldn't": keep the negation, which is what changes the point
        word = word.split("'", 1)[0]  # "government's" -> "government"
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix):
            if suffix == "s" and word.endswith(_KEEP_S):
                return word
            base = word[: -len(suffix)] + repl
            # Too short a remainder means the "suffix" was part of the word ("bed", "sing").
            return base if len(base) >= 3 else word
    return word


def words(text: str) -> list[str]:
    """Lower-case word tokens, apostrophes kept inside words."""
    return WORD.findall(text.lower())


def terms(tokens: Iterable[str]) -> list[str]:
    """Stemmed content words of ``words(text)``, in order (stopwords dropped, negations kept)."""
    return list(filter(None, map(_terms.__getitem__, tokens)))


def features(stems: Sequence[str]) -> list[str]:
    """Distinct unigrams and bigrams; bigrams catch phrasing ("should not") that single words lose."""
    # Built by C-level set and map calls: this runs on every argument.
    return list(dict.fromkeys(chain(stems, map(" ".join, zip(stems, stems[1:])))))
