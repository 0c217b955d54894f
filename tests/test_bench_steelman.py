"""bench/steelman_quality.py reads any copy of the data's layout, as a reviewer's own topics would come.

A small data directory is written here (made-up arguments, not the shared data): its ArgKP split is named
``test``, its ArgQ-30k file has another name, and its Polis conversation has no timestamps. The bench must
find all of it, score it through the core, and print its table. Nothing here is timed or held to a goal.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import steelman_data as data

ROOT = Path(__file__).resolve().parents[1]
TOPICS = {
    "We should ban fireworks": (
        ["they frighten pets and wildlife", "they injure hundreds of people every year",
         "the smoke pollutes the air"],
        ["they are a cherished cultural tradition", "a ban would only push sales underground",
         "shows bring tourism"],
    ),
    "We should make voting compulsory": (
        ["turnout would reflect the whole population", "campaigns would stop targeting only the faithful",
         "it is a small civic duty like jury service"],
        ["forcing people to vote violates their freedom", "uninformed voters would choose at random",
         "fines would fall hardest on the poor"],
    ),
    "We should abolish daylight saving time": (
        ["changing clocks disrupts sleep and health", "the energy savings are negligible today",
         "it causes scheduling errors across time zones"],
        ["longer evenings help shops and leisure", "lighter evenings reduce road accidents",
         "people enjoy daylight after work"],
    ),
}
OPENERS = ("Mainly because", "I believe", "The evidence says", "Consider that", "Above all")


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _data_dir(root: Path) -> Path:
    args, kps, labels, quality = [], [], [], []
    for t, (topic, stances) in enumerate(TOPICS.items()):
        for stance, reasons in zip(("1", "-1"), stances):
            for r, reason in enumerate(reasons):
                kp = f"kp_{t}_{stance}_{r}"
                kps.append([kp, reason, topic, stance])
                for o, opener in enumerate(OPENERS):
                    arg = f"arg_{t}_{stance}_{r}_{o}"
                    text = f"{opener} {reason}, so on balance the answer is clear."
                    args.append([arg, text, topic, stance])
                    labels.append([arg, kp, 1])
                    quality.append([text, topic, "test", round(0.5 + 0.1 * o, 2), 0.5, stance, 1.0])
    _write(root / "argkp" / "arguments_test.csv", ["arg_id", "argument", "topic", "stance"], args)
    _write(root / "argkp" / "key_points_test.csv", ["key_point_id", "key_point", "topic", "stance"], kps)
    _write(root / "argkp" / "labels_test.csv", ["arg_id", "key_point_id", "label"], labels)
    _write(root / "argq30k" / "quality_of_my_topics.csv",
           ["argument", "topic", "set", "WA", "MACE-P", "stance_WA", "stance_WA_conf"], quality)
    conv = root / "polis" / "one-conversation"
    comments = ["Parks need more benches", "Close the main road to cars", "Keep the library open late",
                "Build a new stadium", "Plant more trees downtown", "Raise parking fees"]
    header = ["comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"]
    _write(conv / "comments.csv", header, [[i, f"p{i}", 0, 0, 1, text] for i, text in enumerate(comments)])
    people = [(f"p{i}", i % 2) for i in range(20)]
    _write(conv / "participants-votes.csv", ["participant", "group-id"], people)
    votes = [[c, p, 1 if c in (0, 4) or (c == 1) == (g == 0) else -1] for c in range(len(comments))
             for p, g in people]
    _write(conv / "votes.csv", ["comment-id", "voter-id", "vote"], votes)  # no timestamp column
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[str, dict]:
    root = _data_dir(tmp_path_factory.mktemp("data"))
    out = root / "out.json"
    command = [sys.executable, str(ROOT / "bench" / "steelman_quality.py"), "--data", str(root), "--quick",
               "--out", str(out)]
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text())


def test_a_split_of_any_name_is_scored_through_the_core(run):
    _, results = run
    assert results["test"]["topic_sides"] == 6
    assert results["test"]["stance_purity"] == 1.0
    # Three points a side, each made five times: five picks can cover all three.
    assert results["test"]["kp_coverage"] == 1.0
    assert results["test"]["kp_coverage"] > results["baselines"]["random"]["kp_coverage"]


def test_quality_comes_from_an_argq_file_of_any_name(run):
    _, results = run
    assert 0.5 <= results["test"]["mean_wa"] <= 0.9


def test_polis_without_timestamps_finds_the_common_ground(run):
    _, results = run
    conv = results["polis"]["conversations"]["one-conversation"]
    assert conv["groups"] == 2
    # Only comments 0 and 4 have both groups agreeing: they are the common ground, and nothing else is.
    assert conv["picks"] == 2
    assert conv["mean_low_agree"] == conv["worst_pick_low_agree"] == 1.0
    # Measured against the best two comments, not five: the two picks are the best possible, no better.
    assert conv["best_possible"] == conv["most_agreed_overall"] == 1.0
    assert conv["vs_best"] == 1.0


def test_it_prints_a_table_and_says_what_it_skipped(run):
    printed, results = run
    assert results["cv"] == {"skipped": "--quick"}
    assert "test (shipped models)" in printed
    assert "cv.coverage_lift_over_random: not measured" in printed
    assert results["latency"]["side_10000_s"] > 0


@pytest.fixture
def bench(monkeypatch):
    """bench/steelman_quality.py as a module, with bench/ on the path for the test (its CV imports
    bench/train_steelman when it runs); the path is put back after."""
    monkeypatch.setattr(sys, "path", [str(ROOT / "bench"), *sys.path])
    import steelman_quality  # it puts the project and bench/ on the path itself: put back too

    return steelman_quality


def test_too_few_topics_to_cross_validate_says_so(tmp_path, bench):
    root = _data_dir(tmp_path)
    two = [ts for ts in data.topic_sides(root) if ts.topic in list(TOPICS)[:2]]
    assert {ts.split for ts in two} == {"test"}
    found = bench.cross_validated(two, root)
    assert found == {"skipped": "2 topic(s) found; nested cross-validation needs 3 or more"}
    assert len(bench._folds(data.topic_sides(root))) == 3  # one topic a fold, not 7 with 4 empty


def test_cv_intervals_bracket_the_figure_and_widen_when_topics_disagree(tmp_path, bench):
    sides = data.topic_sides(_data_dir(tmp_path))
    chance = bench.random_baseline(sides)

    def one_per_point(ts):  # covers every key point of every side: the same lift on every topic
        return [ts.arg_ids[i] for i in range(0, len(ts.arg_ids), len(OPENERS))]

    first = sorted({ts.topic for ts in sides})[0]

    def good_on_one_topic(ts):  # every point on one topic, the first five arguments (one point) elsewhere
        return one_per_point(ts) if ts.topic == first else ts.arg_ids[:5]

    steady = bench.intervals(sides, one_per_point)
    uneven = bench.intervals(sides, good_on_one_topic)
    assert steady["topics"] == uneven["topics"] == 3
    for select, ci in ((one_per_point, steady), (good_on_one_topic, uneven)):
        row = bench.score(sides, select)
        lift = row["kp_coverage"] - chance["kp_coverage"]
        lo, hi = ci["coverage_lift_over_random"]
        assert lo - 1e-3 <= lift <= hi + 1e-3
        wlo, whi = ci["mean_wa"]
        assert wlo - 1e-3 <= row["mean_wa"] <= whi + 1e-3
    width = lambda ci: ci["coverage_lift_over_random"][1] - ci["coverage_lift_over_random"][0]  # noqa: E731
    assert width(uneven) > 0.2 > width(steady)


def test_nested_cv_runs_on_a_layout_whose_arguments_all_make_a_point(tmp_path, bench):
    # Every argument here matches a key point, so the "makes a point" model has one class to learn from: the
    # cross-validation must still run (that model then weighs nothing), not stop with the classifier's error.
    root = _data_dir(tmp_path)
    found = bench.cross_validated(data.topic_sides(root), root)
    assert found["folds"] == 3 and found["topic_sides"] == 6
    assert found["kp_coverage"] == 1.0  # three points a side, each made five times: five picks cover them
    lo, hi = found["ci95"]["coverage_lift_over_random"]
    assert lo - 1e-3 <= found["coverage_lift_over_random"] <= hi + 1e-3
    moved = [s["moved"] for s in found["neighbourhood"]["settings"]]
    assert moved == ["on_point 0.15", "on_point 0.35", "central 0.6", "central 0.9", "support 0.1",
                     "support 0.3"]


def test_the_shipped_weights_are_what_the_training_script_makes_from_the_shared_data(tmp_path):
    # Anyone can rebuild bot/steelman/weights.json from the public data and get the same bytes: the licence
    # and attribution beside it describe what is really in it, and a reviewer's retraining leaves no diff.
    if not data.available():
        pytest.skip(f"shared data not found at {data.DATA_DIR}")
    out = tmp_path / "weights.json"
    command = [sys.executable, str(ROOT / "bench" / "train_steelman.py"), "--out", str(out)]
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == (ROOT / "bot" / "steelman" / "weights.json").read_bytes()
