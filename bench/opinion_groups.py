"""Benchmark of the opinion-group engine: Polis's own groups recovered, consensus chosen, and
speed.

    python bench/opinion_groups.py --data ../shared/data/polis --out opinion.json

Every folder under DATA (or DATA/polis) holding ``votes.csv`` and ``participants-votes.csv`` (Polis's export
layout) is one conversation. Its votes (the latest per voter and comment; comments moderated out,
-1 in ``comments.csv``, left out as Polis leaves them out of its math) go through ``find_groups``
with default settings, nothing tuned per conversation; the number of comments moderated out is
passed along, since Polis counts each as a pass by everyone when it places participants. Scored against Polis's ``group-id`` per
participant:

- ``ari``: adjusted Rand index between our groups and Polis's, over the participants both placed.
- ``consensus_vs_best``: for our top TOP_CONSENSUS arguments by group-informed consensus
  (``ranking``: a conversation may have no argument every group agrees with, and the top of the
  ranking is then the closest there is), the mean over them of the lowest agree rate across Polis's
  groups, over the same mean for the arguments that maximise it (the best possible pick of that
  many). Agree rates are smoothed as (agrees + 1) / (votes + 2), the engine's own estimate, so an
  argument two people voted on cannot score 100 %.

Speed: ``find_groups`` on 2,000 members x 1,000 arguments with 5 % of cells voted, median of RUNS
runs after a warm-up, against a baseline measured in the same run, interleaved: building the vote
matrix alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.opinion import AGREE, OpinionResult, Vote, find_groups  # noqa: E402
from bot.opinion.matrix import build_ballot  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
TOP_CONSENSUS = 5
SPEED_MEMBERS, SPEED_ARGUMENTS, SPEED_DENSITY = 2000, 1000, 0.05
RUNS = 5
SEED = 20240518
GOALS = {"min_ari": 0.8, "min_consensus_vs_best": 0.9, "speed_seconds": 2.0}


def conversations(data: Path) -> list[Path]:
    """The conversations in DATA/polis, or in DATA itself when it is that folder."""
    root = data / "polis" if (data / "polis").is_dir() else data
    return sorted(p for p in root.iterdir()
                  if (p / "votes.csv").is_file() and (p / "participants-votes.csv").is_file())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def moderated_out(folder: Path) -> set[int]:
    path = folder / "comments.csv"
    if not path.is_file():
        return set()
    return {int(r["comment-id"]) for r in _rows(path) if r.get("moderated", "").strip() == "-1"}


def load_votes(folder: Path) -> list[Vote]:
    """Every vote in votes.csv as the engine takes it; a vote changed later is resolved by
    timestamp."""
    hidden = moderated_out(folder)
    votes = []
    for r in _rows(folder / "votes.csv"):
        comment = int(r["comment-id"])
        if comment in hidden:
            continue
        at = float(r["timestamp"]) if r.get("timestamp") else 0.0
        votes.append(Vote(int(r["voter-id"]), comment, int(float(r["vote"])), at=at))
    return votes


def polis_groups(folder: Path) -> dict[int, int]:
    """Participant -> the opinion group Polis placed them in (participants it did not place are
    absent)."""
    return {int(r["participant"]): int(r["group-id"])
            for r in _rows(folder / "participants-votes.csv")
            if r.get("group-id", "").strip() != ""}


def adjusted_rand(a: list, b: list) -> float:
    """Adjusted Rand index (Hubert & Arabie) between two labelings of the same items."""
    pairs = lambda n: n * (n - 1) / 2  # noqa: E731
    joint = sum(pairs(n) for n in Counter(zip(a, b)).values())
    rows = sum(pairs(n) for n in Counter(a).values())
    cols = sum(pairs(n) for n in Counter(b).values())
    expected = rows * cols / pairs(len(a)) if len(a) > 1 else 0.0
    top = (rows + cols) / 2
    return 1.0 if top == expected else (joint - expected) / (top - expected)


def lowest_agree_by_group(votes: list[Vote], groups: dict[int, int]) -> dict[int, float]:
    """Per argument: the smallest smoothed agree rate across the given groups."""
    agree, cast = Counter(), Counter()
    latest = {}
    for v in votes:
        key = (v.member_id, v.argument)
        if key not in latest or v.at > latest[key].at:
            latest[key] = v
    for (member, argument), v in latest.items():
        if member in groups:
            cast[argument, groups[member]] += 1
            agree[argument, groups[member]] += v.value == AGREE
    labels = sorted(set(groups.values()))
    return {a: min((agree[a, g] + 1) / (cast[a, g] + 2) for g in labels)
            for a in sorted({a for _, a in latest})}


def consensus_vs_best(result: OpinionResult, truth: dict[int, float]) -> tuple[float, list[int]]:
    chosen = [c.argument for c in result.ranking[:TOP_CONSENSUS]]
    if not chosen:
        return 0.0, []
    best = sorted(truth.values(), reverse=True)[:len(chosen)]
    ours = statistics.fmean(truth[a] for a in chosen)
    return ours / statistics.fmean(best), chosen


def score(folder: Path) -> dict:
    votes, polis = load_votes(folder), polis_groups(folder)
    started = time.perf_counter()
    result = find_groups(votes, moderated_out=len(moderated_out(folder)))
    seconds = time.perf_counter() - started
    ours = {p.member_id: p.group for p in result.points}
    both = sorted(set(ours) & set(polis))
    ratio, chosen = consensus_vs_best(result, lowest_agree_by_group(votes, polis))
    return {
        "members_voting": result.members_voting, "members_counted": result.members_counted,
        "polis_placed": len(polis), "both_placed": len(both), "votes": result.votes,
        "arguments": result.arguments, "groups": len(result.groups),
        "polis_groups": len(set(polis.values())),
        "silhouettes": [list(s) for s in result.silhouettes],
        "flagged": len(result.flagged),
        "ari": round(adjusted_rand([ours[m] for m in both], [polis[m] for m in both]), 4)
        if both else 0.0,
        "consensus_vs_best": round(ratio, 4), "consensus_chosen": chosen,
        "consensus_every_group_agrees": len(result.consensus), "seconds": round(seconds, 3),
    }


def synthetic_votes(seed: int = SEED) -> list[Vote]:
    """SPEED_MEMBERS members in three latent opinion groups, voting on ~5 % of the arguments."""
    import numpy as np

    rng = np.random.default_rng(seed)
    leaning = rng.choice([-1, 1], size=(3, SPEED_ARGUMENTS))
    group = rng.integers(0, 3, size=SPEED_MEMBERS)
    member, argument = np.nonzero(rng.random((SPEED_MEMBERS, SPEED_ARGUMENTS)) < SPEED_DENSITY)
    noise = rng.random(len(member))
    value = np.where(noise < 0.75, leaning[group[member], argument],
                     rng.choice([-1, 0, 1], size=len(member)))
    return [Vote(int(m), int(a), int(v)) for m, a, v in zip(member, argument, value)]


def speed() -> dict:
    votes = synthetic_votes()
    find_groups(votes)  # warm-up: imports, allocator, BLAS threads
    engine, baseline = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        build_ballot(votes)
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = find_groups(votes)
        engine.append(time.perf_counter() - started)
    return {
        "members": SPEED_MEMBERS, "arguments": SPEED_ARGUMENTS, "density": SPEED_DENSITY,
        "votes": len(votes), "runs": RUNS, "groups_found": len(result.groups),
        "median_seconds": round(statistics.median(engine), 4),
        "baseline_build_matrix_median_seconds": round(statistics.median(baseline), 4),
        "ratio_to_baseline": round(statistics.median(engine) / statistics.median(baseline), 2),
        "goal_seconds": GOALS["speed_seconds"],
    }


def table(per: dict[str, dict]) -> str:
    head = (f"{'conversation':<24}{'members':>8}{'placed':>8}{'groups':>8}{'polis':>7}"
            f"{'ARI':>8}{'cons/best':>11}")
    lines = [head, "-" * len(head)]
    for name, r in per.items():
        lines.append(f"{name:<24}{r['members_voting']:>8}{r['both_placed']:>8}{r['groups']:>8}"
                     f"{r['polis_groups']:>7}{r['ari']:>8.3f}{r['consensus_vs_best']:>11.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-speed", action="store_true", help="skip the 2,000 x 1,000 timing")
    args = parser.parse_args(argv)
    folders = conversations(args.data)
    if not folders:
        parser.error(f"no Polis conversations under {args.data}")
    per = {folder.name: score(folder) for folder in folders}
    worst_ari = min(per, key=lambda n: per[n]["ari"])
    worst_cons = min(per, key=lambda n: per[n]["consensus_vs_best"])
    out = {
        "conversations": per,
        "min_ari": per[worst_ari]["ari"], "min_ari_conversation": worst_ari,
        "min_consensus_vs_best": per[worst_cons]["consensus_vs_best"],
        "min_consensus_conversation": worst_cons,
        "goals": GOALS,
    }
    print(table(per))
    print(f"min ARI {out['min_ari']:.3f} ({worst_ari}); min consensus/best "
          f"{out['min_consensus_vs_best']:.3f} ({worst_cons})")
    if not args.no_speed:
        out["speed"] = speed()
        s = out["speed"]
        print(f"{s['members']} x {s['arguments']} at {s['density']:.0%}: "
              f"median {s['median_seconds']} s (baseline, matrix alone: "
              f"{s['baseline_build_matrix_median_seconds']} s)")
    out["passed"] = (out["min_ari"] >= GOALS["min_ari"]
                     and out["min_consensus_vs_best"] >= GOALS["min_consensus_vs_best"]
                     and ("speed" not in out
                          or out["speed"]["median_seconds"] < GOALS["speed_seconds"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
