"""Loader for the public argument data in ../shared/data, used by the steelman tests, benchmark and training.

ArgKP gives, per (topic, stance), the arguments and which key points each one expresses; ArgQ-30k gives a
crowd quality score (WA) per argument. Together they let us score any selection of arguments for key-point
coverage and human-judged quality. The files are read in place and never copied (see the data README for
licences: ArgKP (c) IBM 2021, CDLA-Sharing 1.0; ArgQ-30k (c) IBM 2014, CC BY-SA 3.0). A CSV of
``topic,argument,stance[,quality][,key_point]`` loads into the same shape (``load_csv``).
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
SPLITS = ("train", "dev", "test")  # the usual ArgKP splits, in this order; any other arguments_<x>.csv after
STANCES = {"1": "pro", "-1": "con"}
MIN_ARGUMENTS = 10
PICKS = 5

Selector = Callable[["TopicSide"], Sequence[str]]  # returns the chosen arg ids


@dataclass(frozen=True)
class TopicSide:
    """The arguments of one side of one topic, in file order."""

    topic: str
    side: str  # "pro" | "con" (or the CSV's stance)
    split: str  # "train" | "dev" | "csv"
    arg_ids: tuple[str, ...]
    texts: tuple[str, ...]
    key_points: frozenset[str]
    touches: dict[str, frozenset[str]]  # arg id -> key points it expresses (label 1)
    qualities: dict[str, float]  # arg id -> human WA, where known

    def views(self) -> list[ArgumentView]:
        """The arguments as a steelman engine sees them: numbered in file order, one author each."""
        return [
            ArgumentView(number=i + 1, side=self.side, text=text, author_id=arg_id, author_name=arg_id)
            for i, (arg_id, text) in enumerate(zip(self.arg_ids, self.texts))
        ]

    def coverage(self, chosen: Sequence[str]) -> float:
        touched = set().union(*(self.touches.get(a, frozenset()) for a in chosen))
        return len(touched & self.key_points) / len(self.key_points) if self.key_points else 0.0

    def mean_wa(self, chosen: Sequence[str]) -> float | None:
        scores = [self.qualities[a] for a in chosen if a in self.qualities]
        return sum(scores) / len(scores) if scores else None

    def redundancy(self, chosen: Sequence[str]) -> int:
        """Pairs of picks that share a key point."""
        sets = [self.touches.get(a, frozenset()) for a in chosen]
        return sum(bool(sets[i] & sets[j]) for i in range(len(sets)) for j in range(i + 1, len(sets)))


def available(data_dir: Path = DATA_DIR) -> bool:
    return (data_dir / "argkp").is_dir() and (data_dir / "argq30k").is_dir()


def splits(data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """The ArgKP splits under ``data_dir``: every ``argkp/arguments_<split>.csv`` that has its key points and
    labels beside it, the usual ones (SPLITS) first. No split name is assumed: a copy of the layout with a
    ``test`` split, or with topics of its own under another name, is read whole."""
    base = data_dir / "argkp"
    named = [p.stem.removeprefix("arguments_") for p in base.glob("arguments_*.csv")]
    found = [s for s in named if all((base / f"{part}_{s}.csv").exists() for part in ("key_points", "labels"))]
    return tuple(sorted(found, key=lambda s: (SPLITS.index(s) if s in SPLITS else len(SPLITS), s)))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _exact(text: str) -> str:
    return " ".join(text.split())


def _loose(text: str) -> str:
    # A few ArgKP texts differ from ArgQ-30k only in quotes and dashes ("--" vs "-", "’" vs "'").
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@lru_cache(maxsize=4)
def argq_rows(data_dir: Path = DATA_DIR) -> tuple[tuple[str, str, float], ...]:
    """ArgQ-30k as (topic, argument, WA): every CSV under ``argq30k/`` (the release is one file, but a copy may
    add topics of its own in another); rows without a WA are left out."""
    files = sorted((data_dir / "argq30k").glob("*.csv"))
    rows = [r for path in files for r in _rows(path)]
    return tuple((r["topic"], r["argument"], float(r["WA"])) for r in rows if (r.get("WA") or "").strip())


@lru_cache(maxsize=4)
def _quality_index(data_dir: Path) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    exact: dict[tuple[str, str], float] = {}
    loose: dict[tuple[str, str], float] = {}
    for topic, text, wa in argq_rows(data_dir):
        exact[(topic, _exact(text))] = wa
        loose[(topic, _loose(text))] = wa
    return exact, loose


def quality(topic: str, text: str, data_dir: Path = DATA_DIR) -> float | None:
    """Human WA quality of an argument (matched on topic and whitespace-collapsed text), if known."""
    exact, loose = _quality_index(data_dir)
    found = exact.get((topic, _exact(text)))
    return found if found is not None else loose.get((topic, _loose(text)))


def _split_sides(split: str, data_dir: Path) -> list[TopicSide]:
    base = data_dir / "argkp"
    kps = _rows(base / f"key_points_{split}.csv")
    touches: dict[str, set[str]] = {}
    for row in _rows(base / f"labels_{split}.csv"):
        if row["label"] == "1":
            touches.setdefault(row["arg_id"], set()).add(row["key_point_id"])
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _rows(base / f"arguments_{split}.csv"):
        groups.setdefault((row["topic"], row["stance"]), []).append(row)
    out = []
    for (topic, stance), rows in groups.items():
        if len(rows) < MIN_ARGUMENTS:
            continue
        side_kps = frozenset(k["key_point_id"] for k in kps if (k["topic"], k["stance"]) == (topic, stance))
        ids = tuple(r["arg_id"] for r in rows)
        wa = {r["arg_id"]: q for r in rows if (q := quality(topic, r["argument"], data_dir)) is not None}
        texts = tuple(r["argument"] for r in rows)
        kp_of = {a: frozenset(touches.get(a, ())) for a in ids}
        out.append(TopicSide(topic, STANCES.get(stance, stance), split, ids, texts, side_kps, kp_of, wa))
    return out


@lru_cache(maxsize=4)
def topic_sides(data_dir: Path = DATA_DIR) -> tuple[TopicSide, ...]:
    """Every (topic, stance) of every ArgKP split (``splits``) with at least MIN_ARGUMENTS arguments."""
    return tuple(ts for split in splits(data_dir) for ts in _split_sides(split, data_dir))


def load_csv(path: Path) -> tuple[TopicSide, ...]:
    """A CSV of topic,argument,stance[,quality][,key_point] as topic sides (split "csv")."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _rows(path):
        groups.setdefault((row["topic"], row["stance"]), []).append(row)
    out = []
    for (topic, stance), rows in groups.items():
        ids = tuple(f"{topic[:20]}:{stance}:{i}" for i in range(len(rows)))
        kp = {a: frozenset([r["key_point"]] if r.get("key_point") else []) for a, r in zip(ids, rows)}
        wa = {a: float(r["quality"]) for a, r in zip(ids, rows) if r.get("quality")}
        texts = tuple(r["argument"] for r in rows)
        points = frozenset().union(*kp.values())
        out.append(TopicSide(topic, STANCES.get(stance, stance), "csv", ids, texts, points, kp, wa))
    return tuple(out)


@lru_cache(maxsize=4)
def quality_texts(data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """All ArgQ-30k argument texts: raw material for synthetic benchmark debates."""
    return tuple(text for _, text, _ in argq_rows(data_dir))


def mean_wa(ts: TopicSide, chosen: Sequence[str]) -> float:
    return ts.mean_wa(chosen) or 0.0


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
        return rng.sample(list(ts.arg_ids), min(PICKS, len(ts.arg_ids)))

    return select


def steelman_five(ts: TopicSide) -> list[str]:
    from bot.steelman import summarize

    report = summarize(ts.views(), [ts.side], per_side=PICKS)
    return [ts.arg_ids[p.number - 1] for p in report.sides.get(ts.side, [])]


def evaluate(select: Selector, sides: Sequence[TopicSide] | None = None) -> tuple[float, float]:
    """Mean key-point coverage and mean WA of a selection, averaged over topic sides."""
    cov, wa = [], []
    for ts in topic_sides() if sides is None else sides:
        chosen = list(select(ts))
        cov.append(ts.coverage(chosen))
        wa.append(mean_wa(ts, chosen))
    return sum(cov) / len(cov), sum(wa) / len(wa)


# ---- gaming probes: attacks on one side's arguments ---------------------------------------------------

GAMING = "This is bad because studies show it is bad, for example 100 percent of my friends agree."
JUNK = ("lol", "so true", "+1", "this!!", "agreed", "nope", "haha", "exactly", "yes", "first", "???", "ok")
RUSSIAN = (
    "Удалённая работа экономит сотрудникам два часа в день, потому что не нужно ездить в офис.",
    "Без офиса новички учатся медленнее: им не у кого быстро спросить совета.",
    "Компании тратят меньше на аренду помещений, и эти деньги можно вложить в зарплаты.",
    "Дома труднее отделить работу от отдыха, поэтому люди чаще выгорают.",
    "Удалённо можно нанимать специалистов из любого города, а не только из столицы.",
    "Совместные встречи вживую рождают больше идей, чем видеозвонки.",
    "Меньше поездок означает меньше пробок и выбросов в городах.",
    "Не у всех есть тихое место дома, где можно спокойно работать весь день.",
)
CHINESE = (
    "遠距工作每天可以省下兩個小時的通勤時間，讓員工有更多時間陪伴家人。",
    "新進員工在家工作時很難向前輩請教，學習速度會變慢。",
    "公司可以減少辦公室租金，把省下的錢用來提高薪水。",
    "在家裡很難把工作和休息分開，長期下來容易過勞。",
    "企業可以從任何城市招募人才，不必只找住在台北的人。",
    "面對面的討論比視訊會議更容易激發新的想法。",
    "通勤減少代表塞車和空氣污染也會跟著減少。",
    "不是每個人家裡都有安靜的空間可以整天專心工作。",
)


def renumber(texts_and_authors: Sequence[tuple[str, str]], side: str) -> list[ArgumentView]:
    return [ArgumentView(i + 1, side, text, author, author)
            for i, (text, author) in enumerate(texts_and_authors)]


def attack(name: str, real: Sequence[tuple[str, str]], side: str, rng: random.Random,
           weak: int = 0) -> tuple[list[ArgumentView], set[int]]:
    """The side's posts with one attack placed first (so post order favours it), and the attack's numbers.

    ``real`` is (text, author) per genuine argument; ``weak`` indexes the weak one the repost attack uses.
    """
    vocab = [w for text, _ in real for w in text.split() if len(w) > 4]
    if name == "repost":
        text, author = real[weak]
        variants = (text, text.lower(), f"Honestly, {text}", f"{text} Really.")
        bad = [(v, author) for v in variants]
        real = [r for i, r in enumerate(real) if i != weak]
    elif name == "gaming_sentence":
        bad = [(GAMING, "gamer")] * rng.randint(1, 3)
    elif name == "stuffing":
        keywords = " ".join(sorted(set(vocab), key=lambda w: (-vocab.count(w), w))[:20])
        filler = f"{keywords} because studies show evidence. "
        bad = [((filler * (1500 // len(filler) + 1))[:1500], "stuffer")]
    elif name == "glued":
        bad = [(" ".join(t for t, _ in rng.sample(list(real), min(4, len(real)))), "gluer")]
    elif name == "word_salad":
        salad = rng.sample(vocab, min(30, len(vocab)))
        bad = [(" ".join(salad).capitalize() + ".", "salad")]
    elif name == "junk":
        real = list(real)[:3]
        bad = [(j, f"junk{i}") for i, j in enumerate(JUNK)]
    else:
        raise ValueError(name)
    views = renumber(list(bad) + list(real), side)
    return views, set(range(1, len(bad) + 1))


ATTACKS = ("repost", "gaming_sentence", "stuffing", "glued", "word_salad", "junk")
