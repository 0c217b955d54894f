"""The engine's shortcuts for speed change nothing a member reads, and leave the process as they found it."""

from __future__ import annotations

import gc

import pytest

from bot.steelman import summarize, textcache
from bot.summaries import ArgumentView

TEXTS = (
    "A pause will not be global, so a unilateral pause just moves frontier development elsewhere.",
    "Interpretability research needs frontier-scale models to study, so stopping them starves safety.",
    "Faster should mean red-teaming and evaluations that keep pace, since capability keeps growing.",
    "Compute limits are verifiable through chip supply chains, which makes a pause enforceable.",
    "Labs that slow down lose the talent that would have made their models safer to rivals.",
)


def _views(texts=TEXTS) -> list[ArgumentView]:
    return [ArgumentView(i + 1, "go-faster", t, f"m{i}", f"M{i}") for i, t in enumerate(texts)]


def test_a_remembered_side_gets_the_same_steelman_as_a_new_one():
    textcache.clear_all()
    cold = summarize(_views(), ["go-faster"], 3)
    warm = summarize(_views(), ["go-faster"], 3)
    assert warm == cold
    grown = _views(
        TEXTS + ("Regulators need working frontier systems to learn what rules would bite.",)
    )
    textcache.clear_all()
    assert summarize(grown, ["go-faster"], 3) == summarize(grown, ["go-faster"], 3)


def test_the_collector_is_back_on_after_a_summary_even_a_failed_one():
    assert gc.isenabled()
    summarize(_views(), ["go-faster"], 3)
    assert gc.isenabled()
    with pytest.raises(AttributeError):
        summarize([object()], ["go-faster"], 3)  # type: ignore[list-item]
    assert gc.isenabled()


def test_the_text_cache_is_bounded(monkeypatch):
    from bot.steelman.model import load

    cache = textcache.TextCache(load(), limit=3)
    for text in TEXTS:
        cache.parsed(text)
        cache.scores(text)
    assert len(cache._parsed) <= 3 and len(cache._scores) <= 3
