"""Small linear models over hashed n-grams: argument quality and "makes a point".

Both read the same features: an argument's lower-case word unigrams and bigrams, hashed into a fixed number
of buckets (CRC-32, so every process and machine agrees), plus a few shape features (length band, digits,
shouting). ``quality`` was fitted to ArgQ-30k's crowd quality (WA); ``on_point`` to ArgKP's key-point labels
(does the argument express any of its side's key points). ``fine`` is quality fitted again with finer shape
features of how an argument is written (fine_shape_buckets). ``bench/train_steelman.py`` regenerates the
weights file from the public data; its licence and attribution sit beside it (weights.LICENSE.md).
Standard library only: the weights are float16 arrays in base64 inside a small JSON file.
"""

from __future__ import annotations

import base64
import json
import math
import struct
import zlib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain
from pathlib import Path

WEIGHTS = Path(__file__).with_name("weights.json")
BITS = 14  # 16,384 buckets: collisions cost little at this vocabulary size, and the file stays small
WORD_COUNT_BANDS = (4, 8, 15, 25, 40, 60, 90)  # word counts where the length feature changes band


MAX_CACHED = 500_000  # n-gram -> bucket entries kept; a long-running bot sees new n-grams forever


class _BucketCache(dict[str, int]):
    """n-gram -> bucket, hashed on first sight so later lookups stay in C."""

    def __missing__(self, gram: str) -> int:
        if len(self) >= MAX_CACHED:
            self.clear()
        bucket = self[gram] = zlib.crc32(gram.encode("utf-8")) & ((1 << BITS) - 1)
        return bucket


_buckets = _BucketCache()


class _PairCache(dict[tuple[str, str], int]):
    """(word, next word) -> the bucket of the bigram "word next": no string is built on a cache hit."""

    def __missing__(self, pair: tuple[str, str]) -> int:
        if len(self) >= MAX_CACHED:
            self.clear()
        bucket = self[pair] = _buckets[" ".join(pair)]
        return bucket


_pairs = _PairCache()


def ngram_buckets(tokens: Sequence[str]) -> list[int]:
    """Distinct hashed unigrams and bigrams of ``words(text)``."""
    grams = chain(map(_buckets.__getitem__, tokens), map(_pairs.__getitem__, zip(tokens, tokens[1:])))
    # Int sets iterate in the same order in every process (ints are not hash-salted): sums stay exact.
    return list(set(grams))


def shape_buckets(text: str, tokens: Sequence[str]) -> list[int]:
    """Hashed shape features: length band, whether a number appears, whether it shouts."""
    band = sum(len(tokens) >= b for b in WORD_COUNT_BANDS)
    shape = [f"#len{band}"]
    if any(map(str.isdigit, tokens)):
        shape.append("#digit")
    upper = _uppercase(text)
    if upper >= 10 and upper > 0.6 * sum(map(str.isalpha, text)):  # count letters only when it may shout
        shape.append("#shout")
    return [_buckets[s] for s in shape]


_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))


def _uppercase(text: str) -> int:
    """How many upper-case letters: for ASCII text (the common case) by deleting A-Z from the bytes in C,
    a tenth of the cost of testing every character in Python."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw) - len(raw.translate(None, _ASCII_UPPER))
    return sum(map(str.isupper, text))


# The finer shape features of ``fine_shape_buckets``: bands of the word count, the length in characters,
# the mean word length and the share of distinct words (upper edges; quantiles of ArgQ-30k, rounded).
FINE_WORDS = (6, 9, 11, 13, 15, 17, 19, 22, 25, 29, 35, 45, 60, 90)
FINE_CHARS = (50, 60, 70, 80, 90, 100, 110, 120, 135, 150, 170, 200, 250, 400)
FINE_WORD_LENGTH = (4.0, 4.2, 4.4, 4.6, 4.75, 4.9, 5.05, 5.2, 5.4, 5.6, 5.9, 6.3)
FINE_DISTINCT = (0.8, 0.85, 0.88, 0.91, 0.93, 0.95, 0.999)
FINE_PAIR_WORDS, FINE_PAIR_LENGTH = (11, 15, 19, 25), (4.4, 4.75, 5.1, 5.5)  # a coarse grid of the two
MAX_MARKS = 4  # commas and full stops are counted up to this many


def fine_shape_buckets(text: str, tokens: Sequence[str]) -> list[int]:
    """Hashed features of how carefully an argument is written, for the finer quality model (``Models.fine``).

    Word count, length, mean word length and the share of distinct words, each in narrow bands (and the
    first against the second on a coarse grid), how many commas and full stops, whether it ends a sentence,
    and whether it asks, exclaims, quotes or gives a number. Letter case is left out: ArgQ-30k is mostly
    lower case, so what it says about case would not carry over to a chat.
    """
    n = len(tokens)
    word_length = sum(map(len, tokens)) / n if n else 0.0
    shape = [
        f"#lw{bisect_right(FINE_WORDS, n)}", f"#lc{bisect_right(FINE_CHARS, len(text))}",
        f"#wl{bisect_right(FINE_WORD_LENGTH, word_length)}",
        f"#ttr{bisect_right(FINE_DISTINCT, len(set(tokens)) / n if n else 1.0)}",
        f"#comma{min(text.count(','), MAX_MARKS)}", f"#period{min(text.count('.'), MAX_MARKS)}",
    ]
    if text.rstrip()[-1:] in (".", "!", "?"):
        shape.append("#endp")
    for mark, name in (("?", "#q"), ("!", "#excl"), ('"', "#quote")):
        if mark in text:
            shape.append(name)
    if any(map(str.isdigit, tokens)):
        shape.append("#digit")
    shape.append(f"#p{bisect_right(FINE_PAIR_WORDS, n)}_{bisect_right(FINE_PAIR_LENGTH, word_length)}")
    return [_buckets[s] for s in shape]


@dataclass(frozen=True)
class Linear:
    """bias + mean-normalised n-gram weights + shape weights (then a sigmoid when ``logistic``)."""

    bias: float
    weights: tuple[float, ...]
    logistic: bool = False

    def __call__(self, grams: Sequence[int], shape: Sequence[int]) -> float:
        at = self.weights.__getitem__
        value = self.bias + sum(map(at, shape))
        if grams:
            value += sum(map(at, grams)) / math.sqrt(len(grams))
        return 1.0 / (1.0 + math.exp(-value)) if self.logistic else value


def pack(values: Sequence[float]) -> str:
    """float16 little-endian, base64: how weights are stored."""
    return base64.b64encode(struct.pack(f"<{len(values)}e", *values)).decode("ascii")


def unpack(blob: str) -> tuple[float, ...]:
    raw = base64.b64decode(blob)
    return struct.unpack(f"<{len(raw) // 2}e", raw)


def from_dict(spec: dict) -> Linear:
    return Linear(float(spec["bias"]), unpack(spec["weights"]), bool(spec.get("logistic", False)))


@dataclass(frozen=True)
class Models:
    quality: Linear
    on_point: Linear
    # Word pairs common in ArgQ-30k across many topics ("of the", "should be"): how real sentences join
    # their words. Word salad joins them at random, so few of its pairs are here (junk.py).
    phrases: frozenset[tuple[str, str]] = frozenset()
    # Quality again, read with the finer shape features too (fine_shape_buckets): better at telling which of
    # two statements of one point is better argued, worse as a merit across points (select._face).
    fine: Linear | None = None

    @cached_property
    def _paired(self) -> tuple[complex, ...]:
        # Both models read the same buckets: as complex numbers (quality + i on_point) one C-level sum
        # gives both totals. Real and imaginary parts add separately, so each equals its own plain sum.
        return tuple(map(complex, self.quality.weights, self.on_point.weights))

    def both(self, grams: Sequence[int], shape: Sequence[int]) -> tuple[float, float]:
        """``(quality(grams, shape), on_point(grams, shape))`` in one pass over the features."""
        at = self._paired.__getitem__
        head = sum(map(at, shape))
        q, p = self.quality.bias + head.real, self.on_point.bias + head.imag
        if grams:
            total, root = sum(map(at, grams)), math.sqrt(len(grams))
            q, p = q + total.real / root, p + total.imag / root
        return _link(q, self.quality.logistic), _link(p, self.on_point.logistic)


def _link(value: float, logistic: bool) -> float:
    return 1.0 / (1.0 + math.exp(-value)) if logistic else value


@lru_cache(maxsize=4)
def load(path: Path = WEIGHTS) -> Models:
    spec = json.loads(path.read_text(encoding="utf-8"))
    if spec.get("bits") != BITS:
        raise ValueError(f"{path.name} was trained with {spec.get('bits')} bits, the engine uses {BITS}")
    return from_spec(spec)


def from_spec(spec: dict) -> Models:
    phrases = frozenset(tuple(p.split(" ", 1)) for p in spec.get("phrases", ()))
    fine = from_dict(spec["fine_quality"]) if "fine_quality" in spec else None
    return Models(from_dict(spec["quality"]), from_dict(spec["on_point"]), phrases, fine)
