"""Fit the steelman engine's hashed n-gram models and write bot/steelman/weights.json.

    pip install -e '.[bench]'
    python bench/train_steelman.py [--data ../shared/data] [--out bot/steelman/weights.json]

quality: ridge regression of ArgQ-30k's WA on the engine's own features (bot/steelman/model.py).
fine_quality: the same with finer shape features of how an argument is written (model.fine_shape_buckets).
on_point: logistic regression of "the argument expresses one of its side's key points" on ArgKP's labels.
phrases: word pairs common across ArgQ-30k's topics, which the junk screen uses to recognise word salad.
Deterministic (no sampling; fixed solvers), so the same data gives the same file: the ridge solver runs to a
tolerance far below the float16 rounding of the weights (at 1e-6, how many threads BLAS used moved a few
weights by one step). ``fit`` takes topics to leave out, which is how bench/steelman_quality.py
cross-validates without ever training on a test topic.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402

from bot.steelman import model  # noqa: E402
from bot.steelman.tokens import words  # noqa: E402
from tests import steelman_data as data  # noqa: E402

RIDGE_ALPHA = 10.0  # chosen by leave-topics-out CV on the ArgKP topics (bench/steelman_quality.py)
LOGISTIC_C = 0.3  # likewise
PHRASE_ARGUMENTS = 20  # a word pair this many arguments use is common phrasing, not one topic's words...
PHRASE_TOPICS = 5  # ...when it appears across this many topics
LICENCE = ("Derived from IBM Debater ArgQ-Rank-30kArgs ((c) IBM 2014, CC BY-SA 3.0; Gretz et al., AAAI 2020) "
           "and ArgKP-2021 ((c) IBM 2021, CDLA-Sharing 1.0; Friedman et al., ArgMining 2021). "
           "See weights.LICENSE.md.")


Shape = Callable[[str, Sequence[str]], list[int]]


def design(texts: Sequence[str], shape: Shape | None = None) -> sparse.csr_matrix:
    """The engine's features as a sparse matrix: n-grams scaled by 1/sqrt(count), shape features 1 (by
    default model.shape_buckets; the finer quality model reads model.fine_shape_buckets)."""
    shape = shape or model.shape_buckets
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        tokens = words(text)
        grams = model.ngram_buckets(tokens)
        scale = 1.0 / np.sqrt(len(grams)) if grams else 0.0
        for g in grams:
            rows.append(r), cols.append(g), vals.append(scale)
        for s in shape(text, tokens):
            rows.append(r), cols.append(s), vals.append(1.0)
    size = (len(texts), 1 << model.BITS)
    return sparse.csr_matrix((vals, (rows, cols)), shape=size)  # duplicates (collisions) are summed


def _spec(bias: float, weights: np.ndarray, logistic: bool) -> dict:
    return {"bias": round(float(bias), 6), "weights": model.pack(weights.tolist()), "logistic": logistic}


T = TypeVar("T")
Dirs = Path | Sequence[Path]  # one copy of the data's layout, or several whose topics are pooled


def _pooled(dirs: Dirs, read: Callable[[Path], Iterable[T]], key: Callable[[T], Hashable]) -> list[T]:
    """What ``read`` finds in every directory; an item found in two copies (same ``key``) counts once."""
    seen: dict[Hashable, T] = {}
    for d in [dirs] if isinstance(dirs, Path) else dirs:
        for item in read(d):
            seen.setdefault(key(item), item)
    return list(seen.values())


def _argq(dirs: Dirs) -> list[tuple[str, str, float]]:
    """ArgQ-30k rows, once per (topic, text)."""
    return _pooled(dirs, data.argq_rows, lambda row: row[:2])


def _sides(dirs: Dirs) -> list[data.TopicSide]:
    """ArgKP topic sides, once per (topic, side)."""
    return _pooled(dirs, data.topic_sides, lambda ts: (ts.topic, ts.side))


def fit_quality(data_dir: Dirs, leave_out: Collection[str], shape: Shape | None = None) -> dict:
    rows = [(t, a, wa) for t, a, wa in _argq(data_dir) if t not in leave_out]
    x = design([a for _, a, _ in rows], shape)
    y = np.array([wa for _, _, wa in rows])
    ridge = Ridge(alpha=RIDGE_ALPHA, solver="sparse_cg", tol=1e-10).fit(x, y)
    return _spec(ridge.intercept_, ridge.coef_, logistic=False)


def fit_on_point(data_dir: Dirs, leave_out: Collection[str]) -> dict:
    sides = [ts for ts in _sides(data_dir) if ts.topic not in leave_out]
    texts = [t for ts in sides for t in ts.texts]
    y = np.array([bool(ts.touches[a]) for ts in sides for a in ts.arg_ids], dtype=int)
    if len(set(y.tolist())) < 2:
        # Every argument labelled alike (a small layout whose arguments all match a key point): nothing to
        # tell apart, so a constant, which standardised within a side weighs nothing.
        rate = min(max(float(y.mean()) if len(y) else 0.5, 0.01), 0.99)
        return _spec(np.log(rate / (1 - rate)), np.zeros(1 << model.BITS), logistic=True)
    clf = LogisticRegression(C=LOGISTIC_C, solver="liblinear", max_iter=1000).fit(design(texts), y)
    return _spec(clf.intercept_[0], clf.coef_[0], logistic=True)


def common_phrases(data_dir: Dirs, leave_out: Collection[str]) -> list[str]:
    """Word pairs that at least PHRASE_ARGUMENTS arguments use, across at least PHRASE_TOPICS topics."""
    uses: Counter[tuple[str, str]] = Counter()
    topics: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for topic, text, _ in _argq(data_dir):
        if topic in leave_out:
            continue
        tokens = words(text)
        for pair in set(zip(tokens, tokens[1:])):
            uses[pair] += 1
            topics[pair].add(topic)
    common = [p for p, n in uses.items() if n >= PHRASE_ARGUMENTS and len(topics[p]) >= PHRASE_TOPICS]
    return sorted(map(" ".join, common))


def fit(data_dir: Dirs = data.DATA_DIR, leave_out: Collection[str] = ()) -> dict:
    """Both models, trained on one copy of the data or several pooled, without the topics in ``leave_out``."""
    return {
        "bits": model.BITS, "licence": LICENCE,
        "quality": fit_quality(data_dir, leave_out), "on_point": fit_on_point(data_dir, leave_out),
        "fine_quality": fit_quality(data_dir, leave_out, model.fine_shape_buckets),
        "phrases": common_phrases(data_dir, leave_out),
    }


def models(spec: dict) -> model.Models:
    return model.from_spec(spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=data.DATA_DIR)
    parser.add_argument("--out", type=Path, default=model.WEIGHTS)
    args = parser.parse_args(argv)
    if not data.available(args.data):
        print(f"data not found at {args.data}", file=sys.stderr)
        return 2
    spec = fit(args.data)
    args.out.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
