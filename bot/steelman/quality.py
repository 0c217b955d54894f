"""Argument quality, 0..1: the learned ArgQ-30k model, then two rules a moderator would agree with.

The model (model.py) predicts the crowd's quality score from hashed n-grams and shape; across topics it
correlates with human judgement at about r = 0.35, which lifts the mean quality of picks but is far from an
oracle. Insults and shouting are rare in ArgQ-30k, so the model has not learned them: rules handle them.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import model
from .tokens import words

INSULTS = frozenset("""
idiot idiots stupid moron morons dumb fool fools clown clowns troll trolls loser losers pathetic retard
retarded shill shills imbecile cretin scum
""".split())
SHORT = 8  # words: below this, quality shrinks in proportion (a claim and a reason rarely fit)


def quality(text: str, tokens: Sequence[str] | None = None, models: model.Models | None = None) -> float:
    """Predicted quality of one argument in 0..1; ``tokens`` is ``words(text)``."""
    tokens = words(text) if tokens is None else tokens
    if not tokens:
        return 0.0
    models = models or model.load()
    predicted = models.quality(model.ngram_buckets(tokens), model.shape_buckets(text, tokens))
    return min(max(predicted, 0.0), 1.0) * penalty(text, tokens)


def scores(text: str, tokens: Sequence[str], models: model.Models) -> tuple[float, float]:
    """Quality (as ``quality``) and the probability that the argument expresses one of its side's
    recurring points (ArgKP-trained), from one pass over its features."""
    if not tokens:
        return 0.0, 0.0
    grams, shape = model.ngram_buckets(tokens), model.shape_buckets(text, tokens)
    predicted, on_point = models.both(grams, shape)
    return min(max(predicted, 0.0), 1.0) * penalty(text, tokens), on_point


def fine(text: str, tokens: Sequence[str], models: model.Models) -> float | None:
    """Quality by the finer model (``Models.fine``), with the same rules; None when the weights have none."""
    if models.fine is None:
        return None
    if not tokens:
        return 0.0
    predicted = models.fine(model.ngram_buckets(tokens), model.fine_shape_buckets(text, tokens))
    return min(max(predicted, 0.0), 1.0) * penalty(text, tokens)


def penalty(text: str, tokens: Sequence[str]) -> float:
    # ArgQ-30k holds nothing under six words, so the model cannot know that a slogan gives no reason.
    factor = min(1.0, len(tokens) / SHORT)
    if len(tokens) >= 3 and text.isupper():
        factor *= 0.5  # shouting: written all in capitals
    if "!!" in text or "??" in text:
        factor *= 0.8
    if not INSULTS.isdisjoint(tokens):
        factor *= 0.1  # an insult is not an argument, and beside one it poisons the point
    return factor
