"""Tokens for comparing arguments in any script: Unicode words, CJK character bigrams, a light stemmer.

Standard library only. Words are runs of Unicode letters and digits, so Cyrillic, Greek, Arabic or accented
Latin text tokenises as well as English. Chinese and Japanese have no spaces between words, so a run of
Han or kana characters becomes its overlapping character bigrams (the usual word-free unit for CJK search).
The stemmer is deliberately crude: English suffix rules for ASCII words, and a fixed-length prefix for other
alphabets, where it only has to make inflected forms of one word meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain

# A letter/digit run (no underscore), optionally with one apostrophe inside ("don't", "government's").
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
PREFIX = 6  # letters kept of a non-ASCII word: enough to tell words apart, short enough to drop endings

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
и в во на с со что как а но да к ко по из за от до о об это этот эта эти то так же бы ли у он она они мы вы
я его ее её их мне нам вам для при или уже если чтобы был была были быть есть все всё всех только
de la que el en y a los las del se un una por con para es al lo como más pero sus su le ya o este esta
le les des et un une du au aux est pour dans sur pas qui ce cette il elle ils nous vous
der die das und ist nicht ein eine zu den mit von auf für sich dem des im auch es
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
    """A crude stem: "taxes", "taxed", "taxing" -> "tax"; "shouldn't" -> "not"; "налогами" -> "налога"."""
    if "'" in word or "’" in word:
        word = word.replace("’", "'")
        if word.endswith("n't"):
            return "not"  # "can't", "shouldn't": keep the negation, which is what changes the point
        word = word.split("'", 1)[0]  # "government's" -> "government"
    if not word.isascii():
        return word[:PREFIX] if word.isalpha() and not CJK.match(word) else word
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


def _split_cjk(token: str) -> list[str]:
    """A token's CJK runs as character bigrams (a lone character stays itself); other letters as words."""
    out: list[str] = []
    at = 0
    for run in CJK.finditer(token):
        if run.start() > at:
            out.append(token[at:run.start()])
        chars = run.group()
        out.extend([chars] if len(chars) == 1 else [chars[i:i + 2] for i in range(len(chars) - 1)])
        at = run.end()
    if at < len(token):
        out.append(token[at:])
    return out


def words(text: str) -> list[str]:
    """Lower-case word tokens in any script; CJK text as character bigrams."""
    found = WORD.findall(text.lower())
    if text.isascii():
        return found  # the common case: no CJK to split
    return list(chain.from_iterable(_split_cjk(t) if CJK.search(t) else (t,) for t in found))


def terms(tokens: Iterable[str]) -> list[str]:
    """Stemmed content words of ``words(text)``, in order (stopwords dropped, negations kept)."""
    return list(filter(None, map(_terms.__getitem__, tokens)))


def features(stems: Sequence[str]) -> list[str]:
    """Distinct unigrams and bigrams; bigrams catch phrasing ("should not") that single words lose."""
    # Built by C-level set and map calls: this runs on every argument.
    return list(dict.fromkeys(chain(stems, map(" ".join, zip(stems, stems[1:])))))


def is_word(feature: str) -> bool:
    """A unigram feature (bigrams hold a space)."""
    return " " not in feature
