"""Parts of the steelman benchmark (bench/steelman_quality.py): latency, LexRank, Polis, gaming probes.

Latency: ``summarize`` on one side of 1,000 and of 10,000 arguments (ArgQ-30k texts with small edits), median
of 5 runs after a warm-up (cold: per-text cache emptied; warm: 1 % new texts), and sumy's LexRank on the same
1,000 in the same run. Polis: each conversation's
opinion groups become sides and agree votes endorsements; the engine's common ground is scored by the lowest
group agree rate (agrees / votes in that group, from every vote) of each pick, against the best possible
picks and against "most agreed overall". Probes: every attack in tests/steelman_data.py on every topic side.
"""

from __future__ import annotations

import csv
import itertools
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from bot.steelman import Extractive, summarize, textcache
from bot.steelman.tokens import words
from bot.summaries import ArgumentView
from tests import steelman_data as data

SEED = 20240501
FILLERS = ("I think", "Honestly,", "Look:", "To be clear,", "In my view", "Frankly,")
MIN_GROUP_VOTES = 5  # a comment's agree rate in a group means little with fewer votes from it


# ---- latency and LexRank ---------------------------------------------------------------------------------


def synthetic_side(n: int, texts: Sequence[str], seed: int = SEED) -> list[ArgumentView]:
    """n arguments on one side: 60 % distinct texts from ``texts`` (ArgQ-30k's), the rest near-duplicates.

    A smaller pool is cycled through, numbered so that each copy is a text of its own."""
    rng = random.Random(seed)
    pool = list(dict.fromkeys(texts))
    rng.shuffle(pool)
    wanted = int(n * 0.6)
    originals = [t if i < len(pool) else f"{t} ({i // len(pool)})" for i, t in
                 zip(range(wanted), itertools.cycle(pool))]
    views = []
    for number in range(1, n + 1):
        text = originals[number - 1] if number <= len(originals) else _vary(rng.choice(originals), rng)
        views.append(ArgumentView(number, "side", text, f"m{number % (n // 2 or 1)}", "m"))
    return views


def _vary(text: str, rng: random.Random) -> str:
    tokens = text.split()
    if len(tokens) > 6:
        del tokens[rng.randrange(len(tokens))]
    if rng.random() < 0.4:
        tokens.insert(0, rng.choice(FILLERS))
    return " ".join(tokens)


def _median_seconds(fn, runs: int = 3, before=None, clock=time.perf_counter) -> float:
    fn()  # warm-up: first-sight word caches (stems, n-gram buckets) and weights are not what we measure
    times = []
    for _ in range(runs):
        if before:
            before()
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


class _Tokenizer:
    """What sumy needs of a tokenizer, with no NLTK data: each argument is one sentence."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(line for line in paragraph.split("\n") if line.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))


def lexrank(texts: Sequence[str], k: int) -> list[int]:
    """sumy's LexRank over the arguments as sentences: indices of its k choices."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    tokenizer = _Tokenizer()
    sentences = [Sentence(t, tokenizer) for t in texts]
    index = {id(s): i for i, s in enumerate(sentences)}
    chosen = LexRankSummarizer()(ObjectDocumentModel([Paragraph(sentences)]), k)
    return [index[id(s)] for s in chosen]


def lexrank_selector(k: int):
    def select(ts: data.TopicSide) -> list[str]:
        return [ts.arg_ids[i] for i in lexrank(ts.texts, k)]

    return select


def latency(texts: Sequence[str], lexrank_too: bool = True, runs: int = 5) -> dict[str, float]:
    """Seconds per summary of one side made of ``texts`` (synthetic_side), median of ``runs``.

    ``side_N_s`` is cold: every text is new to the engine (its per-text cache is emptied before each run),
    as after a restart. ``side_N_warm_s`` is the common live case: the side was summarised before and
    1 % of its arguments are new since.
    """
    engine = Extractive()
    out = {}
    for n in (1_000, 10_000):
        views = synthetic_side(n, texts)
        out[f"side_{n}_s"] = round(_median_seconds(
            lambda: engine.summarize(views, ["side"], 5), runs, before=textcache.clear_all), 4)
        out[f"side_{n}_warm_s"] = round(_median_seconds(_grown(engine, views), runs), 4)
        # CPU seconds of this process too: on a shared machine the wall clock also counts other work.
        out[f"side_{n}_cpu_s"] = round(_median_seconds(
            lambda: engine.summarize(views, ["side"], 5), runs, textcache.clear_all, time.process_time), 4)
    if lexrank_too:
        side = [v.text for v in synthetic_side(1_000, texts)]
        out["lexrank_1000_s"] = round(_median_seconds(lambda: lexrank(side, 5), runs=1), 4)
        out["lexrank_speedup_1000"] = round(out["lexrank_1000_s"] / out["side_1000_s"], 1)
    return out


def _grown(engine: Extractive, views: list[ArgumentView]):
    """A summary after 1 % new arguments (fresh texts each call) on a side summarised before."""
    fresh = iter(range(10**9))
    old = views[: len(views) - len(views) // 100]

    def run() -> None:
        new = [ArgumentView(v.number, v.side, f"{v.text} ({next(fresh)})", v.author_id, v.author_name)
               for v in views[len(old):]]
        engine.summarize(old + new, ["side"], 5)

    return run


# ---- Polis common ground ---------------------------------------------------------------------------------


def _conversation(folder: Path):
    with open(folder / "participants-votes.csv", newline="", encoding="utf-8") as f:
        group = {r["participant"]: f"group-{r['group-id']}" for r in csv.DictReader(f) if r["group-id"]}
    with open(folder / "comments.csv", newline="", encoding="utf-8") as f:
        comments = {r["comment-id"]: r for r in csv.DictReader(f) if r.get("moderated") != "-1"}
    last: dict[tuple[str, str], int] = {}
    with open(folder / "votes.csv", newline="", encoding="utf-8") as f:
        # Polis exports carry a timestamp; without one, the file's own order is the order of the votes.
        rows = list(csv.DictReader(f))
        if rows and rows[0].get("timestamp"):
            rows.sort(key=lambda r: float(r["timestamp"]))
        for r in rows:
            last[(r["comment-id"], r["voter-id"])] = int(r["vote"])  # a changed vote counts as its last
    return group, comments, last


def polis_conversation(folder: Path, k: int) -> dict[str, float]:
    group, comments, last = _conversation(folder)
    sides = sorted(set(group.values()))
    agrees: defaultdict[str, Counter] = defaultdict(Counter)
    votes: defaultdict[str, Counter] = defaultdict(Counter)
    endorsers: defaultdict[str, list] = defaultdict(list)
    for (c, v), vote in last.items():
        if c in comments and v in group:
            votes[c][group[v]] += 1
            if vote == 1:
                agrees[c][group[v]] += 1
                endorsers[c].append((v, group[v]))
    views = [ArgumentView(int(c) + 1, group.get(r["author-id"], "no-group"), r["comment-body"],
                          r["author-id"], r["author-id"], None, tuple(endorsers[c]))
             for c, r in comments.items()]
    picks = [str(p.number - 1) for p in summarize(views, sides, k).common_ground]

    def low(c: str) -> float:  # the lowest agree rate over groups
        return min(agrees[c][g] / votes[c][g] if votes[c][g] else 0.0 for g in sides)

    # Compared with as many comments as the engine picked: when it says only two comments are common ground,
    # the best two (not the best five, diluted by comments nobody shares) are what it is measured against.
    n = len(picks) or k
    eligible = [c for c in comments if all(votes[c][g] >= MIN_GROUP_VOTES for g in sides)]
    best = sorted(eligible, key=lambda c: (-low(c), int(c)))[:n]
    most = sorted(comments, key=lambda c: (-sum(agrees[c].values()), int(c)))[:n]
    mean = lambda cs: statistics.fmean(map(low, cs)) if cs else 0.0  # noqa: E731
    return {"picks": len(picks), "groups": len(sides), "mean_low_agree": round(mean(picks), 4),
            "best_possible": round(mean(best), 4), "most_agreed_overall": round(mean(most), 4),
            "worst_pick_low_agree": round(min(map(low, picks), default=0.0), 4),
            "vs_best": round(mean(picks) / mean(best), 4) if best else None}


def polis(folder: Path, k: int) -> dict[str, object]:
    found = {p.name: polis_conversation(p, k) for p in sorted(folder.iterdir())
             if (p / "votes.csv").exists()} if folder.is_dir() else {}
    if not found:
        return {"conversations": {}}
    return {
        "min_group_agree_vs_best": min(r["vs_best"] for r in found.values()),
        "min_group_agree_vs_most_agreed": round(min(r["mean_low_agree"] - r["most_agreed_overall"]
                                                    for r in found.values()), 4),
        "measure": "mean over the k picks of each pick's lowest group agree rate; worst conversation",
        "conversations": found,
    }


# ---- gaming probes ---------------------------------------------------------------------------------------


def _picked(views: list[ArgumentView], side: str, k: int) -> set[int]:
    return {p.number for p in summarize(views, [side], k).sides[side]}


def _weakest_unpicked(ts: data.TopicSide, real: list[tuple[str, str]], k: int) -> int | None:
    baseline = _picked(data.renumber(real, ts.side), ts.side, k)
    weak = sorted((wa, i) for i, a in enumerate(ts.arg_ids) if (wa := ts.qualities.get(a)) is not None)
    return next((i for _, i in weak if i + 1 not in baseline), None)


def robustness(sides: Sequence[data.TopicSide], k: int = 5) -> dict[str, object]:
    """For each attack, the share of topic sides where no attacking post was picked."""
    out: dict[str, object] = {}
    rng = random.Random(SEED)
    for name in data.ATTACKS:
        clean = total = 0
        for ts in sides:
            real = list(zip(ts.texts, ts.arg_ids))
            weak = _weakest_unpicked(ts, real, k) if name == "repost" else 0
            if weak is None:
                continue
            views, bad = data.attack(name, real, ts.side, rng, weak)
            clean += not (_picked(views, ts.side, k) & bad)
            total += 1
        out[name] = {"sides_unaffected": round(clean / total, 4) if total else None, "sides": total}
    for name, texts in (("russian", data.RUSSIAN), ("chinese", data.CHINESE)):
        out[name] = script_probe(texts, k)
    return out


def script_probe(texts: Sequence[str], k: int) -> dict[str, object]:
    """A side in one script: the same picks whatever the post order, and content-based scores."""
    real = [(t, f"m{i}") for i, t in enumerate(texts)]
    forward = {v.text for v in summarize(data.renumber(real, "s"), ["s"], k).sides["s"]}
    backward = {v.text for v in summarize(data.renumber(real[::-1], "s"), ["s"], k).sides["s"]}
    return {"order_independent": forward == backward, "picks": len(forward)}
