"""Benchmark of the extractive steelman engine: selection quality on ArgKP and speed on 10,000 arguments.

    python bench/steelman.py --out steelman.json

Quality: for every ArgKP (topic, stance) with 10+ arguments, five arguments are chosen by each method and
scored for key-point coverage and mean human quality (WA, from ArgQ-30k). Speed: ``summarize`` on 10,000
synthetic arguments (ArgKP/ArgQ-30k texts replicated with small edits, three sides, random endorsements and
rebuttals), median of 5 runs after one warm-up, against a baseline measured in the same run (interleaved):
tokenizing the same texts once.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain import UNDECIDED# noqa: E402
from bot.summaries import ArgumentView# noqa: E402
from bot.steelman import summarize  # noqa: E402
from bot.steelman.text import words  # noqa: E402
from tests import steelman_data as data  # noqa: E402

SIDES = ("pause", "slow-down", "go-faster")
SPEED_N = 10_000
RUNS = 5
SEED = 20240501
FILLERS = ("I think", "Honestly,", "Look:", "To be clear,", "In my view", "Frankly,")


def quality_table() -> dict[str, dict[str, float]]:
    methods = {"ours": data.steelman_five, "first5": data.first_five, "longest5": data.longest_five,
               "random5": data.random_five(SEED)}
    table = {}
    for name, select in methods.items():
        coverage, wa = data.evaluate(select)
        table[name] = {"coverage": round(coverage, 4), "wa": round(wa, 4)}
    return table


def _vary(text: str, rng: random.Random) -> str:
    """A near-duplicate as a second member would write it: a dropped word, a filler, different case."""
    tokens = text.split()
    if len(tokens) > 6 and rng.random() < 0.6:
        del tokens[rng.randrange(len(tokens))]
    if rng.random() < 0.4:
        tokens.insert(0, rng.choice(FILLERS))
    out = " ".join(tokens)
    return out.lower() if rng.random() < 0.3 else out


def synthetic_debate(n: int = SPEED_N, seed: int = SEED) -> list[ArgumentView]:
    """n arguments over three sides: ~60% originals, the rest near-duplicates, with endorsements and rebuttals."""
    rng = random.Random(seed)
    pool = list(data.quality_texts())
    rng.shuffle(pool)
    originals = pool[: int(n * 0.6)]
    members = [(f"m{i}", rng.choice(SIDES + (UNDECIDED,))) for i in range(max(n // 10, 10))]
    side_of_text = {t: SIDES[i % len(SIDES)] for i, t in enumerate(originals)}
    views: list[ArgumentView] = []
    for number in range(1, n + 1):
        base = originals[number - 1] if number <= len(originals) else rng.choice(originals)
        text = base if number <= len(originals) else _vary(base, rng)
        side = side_of_text[base]
        author = rng.choice(members)[0]
        endorsers = tuple(rng.sample(members, min(len(members), int(rng.expovariate(0.7)))))
        rebuts = rng.randrange(1, number) if number > 1 and rng.random() < 0.1 else None
        views.append(ArgumentView(number, side, text, author, author, rebuts, endorsers))
    return views


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def speed_table() -> dict[str, object]:
    views = synthetic_debate()
    texts = [v.text for v in views]
    summarize(views, SIDES, per_side=5)  # warm-up: first-sight caches (stems) are not what we measure
    base_runs, our_runs = [], []
    for _ in range(RUNS):
        # Interleaved, so that a machine slowing down or speeding up affects both alike.
        base_runs.append(_seconds(lambda: [words(t) for t in texts]))
        our_runs.append(_seconds(lambda: summarize(views, SIDES, per_side=5)))
    ours, baseline = statistics.median(our_runs), statistics.median(base_runs)
    return {
        "arguments": len(views), "runs": RUNS,
        "summarize_median_s": round(ours, 4), "summarize_runs_s": [round(t, 4) for t in our_runs],
        "tokenize_median_s": round(baseline, 4), "tokenize_runs_s": [round(t, 4) for t in base_runs],
        "ratio": round(ours / baseline, 2) if baseline else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if not data.available():
        print(f"data not found at {data.DATA_DIR}", file=sys.stderr)
        return 2
    results = {"quality": quality_table(), "speed": speed_table(),
               "topic_sides": len(data.topic_sides()), "python": sys.version.split()[0]}
    print(f"ArgKP: {results['topic_sides']} topic sides, 5 picks each")
    print(f"{'method':<10} {'coverage':>9} {'mean WA':>8}")
    for name, row in results["quality"].items():
        print(f"{name:<10} {row['coverage']:>9.3f} {row['wa']:>8.3f}")
    s = results["speed"]
    print(f"\nsummarize, {s['arguments']} arguments, 3 sides: "
          f"median {s['summarize_median_s']:.3f}s over {s['runs']} runs")
    print(f"baseline (tokenize the same texts): median {s['tokenize_median_s']:.3f}s; ratio {s['ratio']}x")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
