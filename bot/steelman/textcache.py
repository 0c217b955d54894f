"""What the engine computes from one text alone, kept between summaries.

A debate is summarised again and again as it grows (each ``/steelman``, the results, the exports), and almost
every text was already seen the last time: its words, stems, features and predicted scores do not depend on
the rest of the side, so they are computed once. Side-level work (junk screen, idf, grouping, selection) is
redone every time, because it does depend on the others. Bounded: a long-running bot sees new texts forever.
"""

from __future__ import annotations

from typing import NamedTuple

from .model import Models
from .quality import fine, scores
from .tokens import features, terms, words

MAX_TEXTS = 12_000  # a little over the largest side we budget for (10,000 arguments); ~50 MB at most
MAX_MODELS = 4  # the shipped weights, and a few trained in the benchmark's folds


class Parsed(NamedTuple):
    tokens: list[str]  # words(text)
    stems: list[str]  # terms(tokens)
    features: list[str]  # features(stems)


class TextCache:
    """Per-text parse and scores under one set of models."""

    def __init__(self, models: Models, limit: int = MAX_TEXTS):
        self.models, self.limit = models, limit
        self._parsed: dict[str, Parsed] = {}
        self._scores: dict[str, tuple[float, float]] = {}
        self._fine: dict[str, float] = {}

    def parsed(self, text: str) -> Parsed:
        got = self._parsed.get(text)
        if got is None:
            if len(self._parsed) >= self.limit:
                self._parsed.clear()
            tokens = words(text)
            stems = terms(tokens)
            got = self._parsed[text] = Parsed(tokens, stems, features(stems))
        return got

    def scores(self, text: str) -> tuple[float, float]:
        """(quality, on_point) as ``quality.scores``; only asked for posts that pass the junk screen."""
        got = self._scores.get(text)
        if got is None:
            if len(self._scores) >= self.limit:
                self._scores.clear()
            got = self._scores[text] = scores(text, self.parsed(text).tokens, self.models)
        return got

    def fine(self, text: str) -> float:
        """Quality by the finer model (``quality.fine``); only asked for when the models have it."""
        got = self._fine.get(text)
        if got is None:
            if len(self._fine) >= self.limit:
                self._fine.clear()
            got = self._fine[text] = fine(text, self.parsed(text).tokens, self.models) or 0.0
        return got

    def clear(self) -> None:
        self._parsed.clear()
        self._scores.clear()
        self._fine.clear()


_caches: dict[int, TextCache] = {}


def for_models(models: Models) -> TextCache:
    """The cache for these models (by identity: the cache holds the models, so the id is not reused)."""
    cache = _caches.get(id(models))
    if cache is None:
        if len(_caches) >= MAX_MODELS:
            _caches.clear()
        cache = _caches[id(models)] = TextCache(models)
    return cache


def clear_all() -> None:
    """Forget every text (the benchmark times the engine on texts it has never seen)."""
    for cache in _caches.values():
        cache.clear()
