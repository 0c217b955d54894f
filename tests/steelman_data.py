"""Loader for the public argument data in ../shared/data, used by the steelman tests and benchmark.

ArgKP gives, per (topic, stance), the arguments and which key points each one expresses; ArgQ-30k gives a
crowd quality score (WA) per argument. Together they let us score any selection of arguments for key-point
coverage and human-judged quality. The files are read in place and never copied (see the data README for
licences: ArgKP (c) IBM 2021, CDLA-Sharing 1.0; ArgQ-30k (c) IBM 2014, CC BY-SA 3.0).
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.summaries import ArgumentView

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SPLITS = ("train", "dev")
STANCES = {"1": "pro", "-1": "con"}
MIN_ARGUMENTS = 10
PICKS = 5

Selector = Callable[["TopicSide"], Sequence[str]]  # returns the chosen arg ids


@dataclass(frozen=True)
class TopicSide:
    """The arguments of one side of one ArgKP topic, in file order."""

    topic: str
    side: str  # "pro" | "con"
    arg_ids: tuple[str, ...]
    texts: tuple[str, ...]
    key_points: frozenset[str]
    touches: dict[str, frozenset[str]]  # arg id -> key points it expresses (label 1)

    def views(self) -> list[ArgumentView]:
        """The arguments as a steelman engine sees them: numbered in file order, one author each."""
        return [
            ArgumentView(number=i + 1, side=self.side, text=text, author_id=arg_id, author_name=arg_id)
            for i, (arg_id, text) in enumerate(zip(self.arg_ids, self.texts))
        ]

    def coverage(self, chosen: Sequence[str]) -> float:
        touched = set().union(*(self.touches.get(a, frozenset()) for a in chosen))
        return len(touched & self.key_points) / len(self.key_points) if self.key_points else 0.0


def available() -> bool:
    return (DATA_DIR / "argkp").is_dir() and (DATA_DIR / "argq30k").is_dir()


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def topic_sides() -> tuple[TopicSide, ...]:
    """Every (topic, stance) of ArgKP train+dev with at least MIN_ARGUMENTS arguments."""
    out: list[TopicSide] = []
    for split in SPLITS:
        args = _rows(f"argkp/arguments_{split}.csv")
        kps = _rows(f"argkp/key_points_{split}.csv")
        touches: dict[str, set[str]] = {}
        for row in _rows(f"argkp/labels_{split}.csv"):
            if row["label"] == "1":
                touches.setdefault(row["arg_id"], set()).add(row["key_point_id"])
        groups: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in args:
            groups.setdefault((row["topic"], row["stance"]), []).append(row)
        for (topic, stance), rows in groups.items():
            if len(rows) < MIN_ARGUMENTS:
                continue
            side_kps = frozenset(k["key_point_id"] for k in kps if (k["topic"], k["stance"]) == (topic, stance))
            ids = tuple(r["arg_id"] for r in rows)
            out.append(TopicSide(
                topic=topic, side=STANCES[stance], arg_ids=ids, texts=tuple(r["argument"] for r in rows),
                key_points=side_kps, touches={a: frozenset(touches.get(a, ())) for a in ids},
            ))
    return tuple(out)


def _exact(text: str) -> str:
    return " ".join(text.split())


def _loose(text: str) -> str:
    # A few ArgKP texts differ from ArgQ-30k only in quotes and dashes ("--" vs "-", "’" vs "'").
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@lru_cache(maxsize=1)
def _quality_index() -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    exact: dict[tuple[str, str], float] = {}
    loose: dict[tuple[str, str], float] = {}
    for row in _rows("argq30k/arg_quality_rank_30k.csv"):
        exact[(row["topic"], _exact(row["argument"]))] = float(row["WA"])
        loose[(row["topic"], _loose(row["argument"]))] = float(row["WA"])
    return exact, loose


def quality(topic: str, text: str) -> float | None:
    """Human WA quality of an argument (matched on topic and whitespace-collapsed text), if known."""
    exact, loose = _quality_index()
    found = exact.get((topic, _exact(text)))
    return found if found is not None else loose.get((topic, _loose(text)))


@lru_cache(maxsize=1)
def quality_texts() -> tuple[str, ...]:
    """All ArgQ-30k argument texts: raw material for synthetic benchmark debates."""
    return tuple(row["argument"] for row in _rows("argq30k/arg_quality_rank_30k.csv"))


def mean_wa(ts: TopicSide, chosen: Sequence[str]) -> float:
    text_of = dict(zip(ts.arg_ids, ts.texts))
    scores = [q for a in chosen if (q := quality(ts.topic, text_of[a])) is not None]
    return sum(scores) / len(scores) if scores else 0.0


# ---- selections to compare ----------------------------------------------------------------------------


def first_five(ts: TopicSide) -> list[str]:
    return list(ts.arg_ids[:PICKS])


def longest_five(ts: TopicSide) -> list[str]:
    order = sorted(range(len(ts.arg_ids)), key=lambda i: (-len(ts.texts[i]), i))
    return [ts.arg_ids[i] for i in order[:PICKS]]


def random_five(seed: int = 7) -> Selector:
    def select(ts: TopicSide) -> list[str]:
        # Seeded per topic side so the result does not depend on evaluation order.
        rng = random.Random(f"{seed}:{ts.topic}:{ts.side}")
        return rng.sample(list(ts.arg_ids), PICKS)

    return select


def steelman_five(ts: TopicSide) -> list[str]:
    from bot.steelman import summarize

    report = summarize(ts.views(), [ts.side], per_side=PICKS)
    return [ts.arg_ids[p.number - 1] for p in report.sides.get(ts.side, [])]


def evaluate(select: Selector) -> tuple[float, float]:
    """Mean key-point coverage and mean WA of a selection, averaged over topic sides."""
    cov, wa = [], []
    for ts in topic_sides():
        chosen = list(select(ts))
        cov.append(ts.coverage(chosen))
        wa.append(mean_wa(ts, chosen))
    return sum(cov) / len(cov), sum(wa) / len(wa)
