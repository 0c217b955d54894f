"""The extractive steelman engine: unit behaviour, and selection quality on human-labelled ArgKP data."""

from __future__ import annotations

import ast
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain import UNDECIDED
from bot.summaries import ArgumentView, Pick
from bot.steelman import summarize
from bot.steelman.quality import quality

try:
    from tests import steelman_data as data
except ImportError:  # tests/ on sys.path instead of the project root
    import steelman_data as data

SIDES = ("pause", "slow-down", "go-faster")
ROOT = Path(__file__).resolve().parents[1]

# Three wordings of one point, and two other points of the same side.
UNILATERAL = (
    "A pause will not be global, so a unilateral pause just moves frontier development to labs with fewer "
    "safeguards.",
    "a pause won't be global, so a unilateral pause only moves frontier development to labs with fewer safeguards",
    "A unilateral pause just moves frontier development to places with fewer safeguards, because a pause will "
    "not be global.",
)
INTERPRETABILITY = "Interpretability research needs frontier-scale models to study, so stopping them starves safety."
RED_TEAMS = "Faster should mean red-teaming and evaluations that keep pace, since capability will keep growing anyway."


def arg(number: int, text: str, side: str = "go-faster", author: str | None = None,
        endorsers: tuple[tuple[str, str], ...] = (), rebuts: int | None = None) -> ArgumentView:
    author = author or f"author{number}"
    return ArgumentView(number, side, text, author, author.title(), rebuts, endorsers)


def members(side: str, count: int, prefix: str = "") -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix or side}-{i}", side) for i in range(count))


def picked(picks: list[Pick]) -> list[int]:
    return [p.number for p in picks]


# ---- sides: support, representatives, bridging, diversity -------------------------------------------


def test_near_duplicates_are_grouped_and_counted():
    views = [arg(1, UNILATERAL[0]), arg(2, INTERPRETABILITY), arg(3, UNILATERAL[1]), arg(4, RED_TEAMS),
             arg(5, UNILATERAL[2])]
    picks = summarize(views, SIDES, per_side=3).sides["go-faster"]
    grouped = [p for p in picks if p.number in (1, 3, 5)]
    assert len(grouped) == 1
    assert grouped[0].support == 3
    assert set(grouped[0].similar) == {1, 3, 5} - {grouped[0].number}
    assert sorted(picked(picks)) == sorted([grouped[0].number, 2, 4])
    assert all(p.support == 1 and p.similar == () for p in picks if p is not grouped[0])


def test_group_representative_is_the_best_endorsed_member_not_the_first():
    views = [arg(1, UNILATERAL[0]), arg(2, UNILATERAL[1], endorsers=members("pause", 2)), arg(3, UNILATERAL[2])]
    (pick,) = summarize(views, SIDES, per_side=3).sides["go-faster"]
    assert (pick.number, pick.support, pick.similar) == (2, 3, (1, 3))
    assert (pick.endorsements, pick.cross_endorsements) == (2, 2)


def test_group_representative_is_the_best_argued_member():
    plain = UNILATERAL[1]
    with_evidence = plain + " - 3 of the 5 leading labs would not sign, according to a 2023 survey."
    (pick,) = summarize([arg(1, plain), arg(2, with_evidence)], SIDES).sides["go-faster"]
    assert (pick.number, pick.support, pick.similar) == (2, 2, (1,))


def test_reposting_a_point_with_a_word_added_does_not_make_the_reposter_its_face():
    point = ("Export controls on advanced chips slow rivals only briefly, and they push them to build their own "
             "supply chains.")
    others = [arg(4, point.replace("supply", "chip supply")), arg(5, point.lower().replace(",", ""))]
    # One member posts the point, then posts it again with a word more each time ("fuller" by a word).
    reposts = [arg(1, point, author="reposter"), arg(2, f"Honestly, {point}", author="reposter"),
               arg(3, f"Frankly, {point}", author="reposter")]
    (pick,) = summarize([*reposts, *others], SIDES).sides["go-faster"]
    assert pick.number not in (2, 3)  # a member stands in by their first post of the point, not a repost
    assert pick.support == 3  # three members made the point, however many times one of them posted it
    assert set(pick.similar) == {1, 2, 3, 4, 5} - {pick.number}


def test_picks_show_the_argument_verbatim():
    text = "  Compute is physical and countable: chips can be TRACKED, inspected and destroyed to undo an overhang. "
    (pick,) = summarize([arg(7, text, side="slow-down", author="ada")], SIDES).sides["slow-down"]
    assert (pick.number, pick.side, pick.text, pick.author_name) == (7, "slow-down", text, "Ada")


def test_cross_side_endorsements_outrank_undecided_and_same_side_ones():
    # No shared content words; each text takes each kind of endorser in turn, so only who endorsed differs.
    texts = ["Model weights deserve audits because leaks spread quickly.",
             "Chip exports need licences because smugglers exploit loopholes.",
             "Datacentre inspections matter because operators conceal clusters."]
    kinds = ("pause", UNDECIDED, "go-faster")  # cross-side, undecided, same side
    score: dict[tuple[str, str], float] = {}
    for shift in range(3):
        views = [arg(n + 1, t, endorsers=members(kinds[(n + shift) % 3], 2)) for n, t in enumerate(texts)]
        for p in summarize(views, SIDES, per_side=3).sides["go-faster"]:
            kind = kinds[(p.number - 1 + shift) % 3]
            score[(p.text, kind)] = p.score
            assert (p.endorsements, p.cross_endorsements) == (2, 2 if kind == "pause" else 0)
    for t in texts:
        assert score[(t, "pause")] > score[(t, UNDECIDED)] > score[(t, "go-faster")]


def test_self_and_repeated_endorsements_do_not_count():
    view = arg(1, RED_TEAMS, author="bo", endorsers=(("bo", "go-faster"), ("cy", "pause"), ("cy", "pause")))
    (pick,) = summarize([view], SIDES).sides["go-faster"]
    assert (pick.endorsements, pick.cross_endorsements) == (1, 1)


def test_two_picks_never_come_from_the_same_group():
    crowd = [arg(n, UNILATERAL[n % 3], endorsers=members("pause", 3, prefix=f"p{n}")) for n in range(1, 13)]
    views = crowd + [arg(20, INTERPRETABILITY), arg(21, RED_TEAMS)]
    picks = summarize(views, SIDES, per_side=3).sides["go-faster"]
    from_crowd = [p for p in picks if p.number < 20]
    assert len(from_crowd) == 1 and from_crowd[0].support == 12
    assert sorted(picked(picks))[1:] == [20, 21]


def test_a_crowd_repeating_one_point_in_their_own_words_is_one_group():
    rng = random.Random(5)
    fillers = ("Honestly,", "I think", "To be clear,", "Look:", "Frankly,", "")
    crowd = []
    for n in range(1, 121):
        tokens = UNILATERAL[2].split()
        del tokens[rng.randrange(len(tokens))]
        crowd.append(arg(n, f"{rng.choice(fillers)} {' '.join(tokens)}".strip()))
    picks = summarize(crowd + [arg(200, INTERPRETABILITY), arg(201, RED_TEAMS)], SIDES).sides["go-faster"]
    assert sorted(p.support for p in picks) == [1, 1, 120]
    assert sorted(picked(picks))[1:] == [200, 201]


def test_per_side_limits_and_sides_are_kept_apart():
    views = [arg(1, UNILATERAL[0]), arg(2, INTERPRETABILITY), arg(3, RED_TEAMS),
             arg(4, "A coordinated, smaller next training run is a sensible first step.", side="slow-down")]
    report = summarize(views, SIDES, per_side=2)
    assert len(report.sides["go-faster"]) == 2
    assert picked(report.sides["slow-down"]) == [4]
    assert report.sides["pause"] == []
    assert report.engine == "extractive"


# ---- common ground and cruxes ------------------------------------------------------------------------


def test_common_ground_needs_endorsers_from_every_held_side():
    everyone = members("pause", 1) + members("slow-down", 1) + members("go-faster", 1)
    views = [
        arg(1, RED_TEAMS, side="go-faster", endorsers=everyone),
        arg(2, INTERPRETABILITY, side="go-faster", endorsers=members("pause", 3) + members("go-faster", 3)),
        arg(3, "Test every compute control early, for short periods.", side="slow-down",
            endorsers=members("pause", 2) + members(UNDECIDED, 4) + members("go-faster", 1)),
        arg(4, UNILATERAL[0], side="pause", endorsers=members("pause", 1) + members("slow-down", 1)),
    ]
    report = summarize(views, SIDES, per_side=3)
    assert picked(report.common_ground) == [1]
    assert report.common_ground[0].cross_endorsements == 2


def test_common_ground_ignores_sides_nobody_holds_but_needs_two():
    both = members("pause", 2) + members("go-faster", 1) + members(UNDECIDED, 1)
    views = [arg(1, RED_TEAMS, side="go-faster", endorsers=both),
             arg(2, INTERPRETABILITY, side="go-faster", endorsers=members("pause", 1) + members("go-faster", 1))]
    assert picked(summarize(views, SIDES).common_ground) == [1, 2]  # nobody holds "slow-down"
    lonely = [arg(1, RED_TEAMS, side="go-faster", endorsers=members("go-faster", 3) + members(UNDECIDED, 2))]
    assert summarize(lonely, SIDES).common_ground == []


def test_cruxes_are_where_the_sides_split_with_or_without_rebuttals():
    views = [
        arg(1, UNILATERAL[0], side="go-faster", endorsers=members("go-faster", 3)),
        arg(2, "Then the pause must be negotiated globally, not skipped.", side="pause", rebuts=1),
        arg(3, INTERPRETABILITY, side="go-faster", endorsers=members("go-faster", 3)),  # no rebuttal
        arg(4, RED_TEAMS, side="go-faster", endorsers=members("go-faster", 1)),  # one endorsement only
        arg(5, "Capability growth is a choice, not weather.", side="slow-down", rebuts=4),
        arg(6, "Chips are countable.", side="slow-down",  # every side endorses it: no split
            endorsers=members("pause", 1) + members("go-faster", 3) + members("slow-down", 1)),
    ]
    cruxes = summarize(views, SIDES).cruxes
    assert [(c.number, c.rebuttals) for c in cruxes] == [(1, (2,)), (3, ())]
    assert cruxes[0].split == cruxes[1].split > 0.15
    assert [s for s, _ in cruxes[1].side_shares][-1] == "go-faster"  # the side that rallies behind it


def test_cruxes_rank_by_endorsements_and_rebuttals():
    views = [
        arg(1, UNILATERAL[0], endorsers=members("go-faster", 2)),
        arg(2, INTERPRETABILITY, endorsers=members("go-faster", 2)),
        arg(3, "No.", side="pause", rebuts=2),
        arg(4, "Not so.", side="slow-down", rebuts=2),
        arg(5, "Wrong.", side="pause", rebuts=1),
    ]
    assert [(c.number, c.rebuttals) for c in summarize(views, SIDES).cruxes] == [(2, (3, 4)), (1, (5,))]


# ---- robustness --------------------------------------------------------------------------------------


def test_empty_inputs_give_empty_reports():
    assert summarize([], SIDES).sides == {s: [] for s in SIDES}
    empty = summarize([], [])
    assert (empty.sides, empty.common_ground, empty.cruxes) == ({}, [], [])
    odd = [arg(1, ""), arg(2, "   "), arg(3, "!!!"), arg(4, "ok", side="nobody-holds-this", rebuts=99)]
    report = summarize(odd, SIDES, per_side=3)
    assert report.sides["go-faster"] == []  # nothing here makes a point: no slot is filled with it
    assert report.notes["go-faster"] == "None of this side's posts makes a point."
    assert summarize(odd, SIDES, per_side=0).sides == {s: [] for s in SIDES}


def _debate(seed: int = 3) -> list[ArgumentView]:
    rng = random.Random(seed)
    texts = list(UNILATERAL) + [INTERPRETABILITY, RED_TEAMS, "Chips are countable.", "Counting is not controlling."]
    people = [(f"m{i}", rng.choice(SIDES + (UNDECIDED,))) for i in range(12)]
    return [arg(n, rng.choice(texts), side=rng.choice(SIDES), endorsers=tuple(rng.sample(people, rng.randrange(4))),
                rebuts=rng.randrange(1, n) if n > 1 and rng.random() < 0.3 else None) for n in range(1, 40)]


def test_deterministic_whatever_the_input_order():
    views = _debate()
    first = summarize(views, SIDES, per_side=3)
    shuffled = list(views)
    random.Random(1).shuffle(shuffled)
    assert summarize(shuffled, SIDES, per_side=3) == first
    assert summarize(views, SIDES, per_side=3) == first


def test_deterministic_across_processes():
    # String hashing is salted per process: nothing may depend on set or hash order.
    code = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/tests']; import test_steelman as t; "
            "from bot.steelman import summarize; print(summarize(t._debate(), t.SIDES, per_side=3))")
    outputs = {
        subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_engine_uses_the_standard_library_only():
    for path in (ROOT / "bot" / "steelman").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            outside = [n for n in names if n.split(".")[0] not in sys.stdlib_module_names | {"__future__"}]
            assert not outside, f"{path.name} imports {outside}"


# ---- the quality heuristic ---------------------------------------------------------------------------


def test_quality_prefers_reasons_and_evidence_over_slogans_shouting_and_insults():
    reasoned = ("A unilateral pause moves development to labs with fewer safeguards, because 3 of the 5 leading "
                "labs sit in jurisdictions that would not sign.")
    claim = "We should pause every frontier training run right now."
    assert quality(reasoned) > quality(claim) > quality("Pause now.")
    assert quality(reasoned) > quality(reasoned.upper())
    assert quality("You are all idiots and clowns, every single one of you in this whole thread.") < 0.1
    assert quality("") == 0.0


# ---- selection quality on human-labelled data --------------------------------------------------------


@pytest.fixture(scope="module")
def argkp():
    if not data.available():
        pytest.skip(f"shared data not found at {data.DATA_DIR}")
    return {name: data.evaluate(select) for name, select in
            (("ours", data.steelman_five), ("first5", data.first_five), ("longest5", data.longest_five))}


def test_argkp_coverage_beats_first_and_longest_five(argkp):
    ours, first, longest = argkp["ours"][0], argkp["first5"][0], argkp["longest5"][0]
    assert ours > first, (ours, first)
    assert ours > longest, (ours, longest)


def test_argkp_quality_not_below_first_five(argkp):
    assert argkp["ours"][1] >= argkp["first5"][1], (argkp["ours"][1], argkp["first5"][1])


# ---- gaming probes: each attack on an unseen topic picks none of its texts ----------------------------

REAL = (  # go-faster arguments on the AI-pause motion, a topic the models never saw
    UNILATERAL[0], INTERPRETABILITY, RED_TEAMS,
    "Open models let independent researchers find flaws that a single lab would miss, so openness helps safety.",
    "A pause freezes today's safety techniques in place while hardware keeps getting cheaper, which makes the "
    "eventual restart more dangerous.",
    "Export controls on advanced chips already slow rivals, so a pause adds cost without adding security.",
    "Medical research gains from frontier models now, and delaying them costs lives that could be saved.",
    "Compute thresholds age quickly because algorithms improve, so a FLOP-based rule would be obsolete soon.",
    "Staged releases with external audits manage risk better than a blanket stop on training.",
    "Regulators learn by watching deployed systems, and a pause would leave them with nothing to study.",
)
WEAK = "ai good pause bad."  # the weak text a member reposts


def _attacked(name: str, seed: int = 1) -> tuple[list[Pick], set[int]]:
    real = [(t, f"real{i}") for i, t in enumerate(REAL)] + [(WEAK + " it is so", "weakling")]
    views, bad = data.attack(name, real, "go-faster", random.Random(seed), weak=len(real) - 1)
    return summarize(views, SIDES, per_side=5).sides["go-faster"], bad


@pytest.mark.parametrize("name", data.ATTACKS)
def test_attacks_pick_none_of_the_attacking_texts(name):
    for seed in range(3):
        picks, bad = _attacked(name, seed)
        assert not set(picked(picks)) & bad, (name, [p.text[:60] for p in picks])


def test_reposts_by_one_member_count_once():
    point = UNILATERAL[0]
    views = [arg(1, point, author="solo"), arg(2, point.lower(), author="solo"),
             arg(3, f"Honestly, {point}", author="solo"), arg(4, INTERPRETABILITY)]
    picks = summarize(views, SIDES).sides["go-faster"]
    grouped = next(p for p in picks if p.number in (1, 2, 3))
    assert grouped.support == 1 and len(grouped.similar) == 2  # three posts, one member


def test_junk_leaves_slots_empty_and_says_how_many_points_were_made():
    picks, bad = _attacked("junk")
    report = summarize(data.attack("junk", [(t, f"r{i}") for i, t in enumerate(REAL)], "go-faster",
                                   random.Random(0))[0], SIDES, per_side=5)
    assert len(report.sides["go-faster"]) == 3
    assert report.notes["go-faster"] == "Only 3 distinct points were made."
    assert report.distinct_points["go-faster"] == 3


@pytest.mark.parametrize("texts", [data.RUSSIAN, data.CHINESE], ids=["russian", "chinese"])
def test_other_scripts_are_ranked_by_content_not_post_order(texts):
    real = [(t, f"m{i}") for i, t in enumerate(texts)]
    forward = summarize(data.renumber(real, "pause"), SIDES, per_side=3).sides["pause"]
    backward = summarize(data.renumber(real[::-1], "pause"), SIDES, per_side=3).sides["pause"]
    assert [p.text for p in forward] == [p.text for p in backward]
    assert len({p.score for p in forward}) == 3  # scored by what they say: no ties broken by number
    # A near-duplicate in the same script is recognised as the same point.
    dupes = real + [(texts[0] + "!", "m-dupe")]
    grouped = summarize(data.renumber(dupes, "pause"), SIDES, per_side=8).sides["pause"]
    assert sum(1 for p in grouped if p.text.startswith(texts[0])) == 1


# ---- common ground by rate ---------------------------------------------------------------------------


def test_common_ground_ranks_by_the_weakest_sides_share_not_its_count():
    small, big = members("pause", 4), members("go-faster", 40)
    everyone_small = arg(1, RED_TEAMS, side="go-faster", endorsers=small + big[:20])  # 100 % / 50 %
    loved_by_big = arg(2, INTERPRETABILITY, side="go-faster", endorsers=small[:1] + big)  # 25 % / 100 %
    report = summarize([everyone_small, loved_by_big], SIDES)
    assert picked(report.common_ground) == [1, 2]
    assert report.common_ground[0].side_shares[0][0] == "go-faster"  # its weakest side


def test_too_few_voters_is_said_plainly():
    views = [arg(1, RED_TEAMS, endorsers=members("pause", 1) + members("go-faster", 1))]
    report = summarize(views, SIDES)
    assert report.common_ground == []
    assert "too few to call anything common ground" in report.common_ground_note


def test_a_members_reposts_do_not_make_their_point_typical():
    from bot.steelman.similarity import Corpus, Typicality
    from bot.steelman.tokens import features, terms, words

    def central(texts_authors):
        corpus = Corpus([features(terms(words(t))) for t, _ in texts_authors])
        return Typicality(corpus, [a for _, a in texts_authors]).scores()

    others = [(t, f"real{i}") for i, t in enumerate(REAL[1:])]
    once = central([(REAL[0], "solo")] + others)
    again = central([(REAL[0], "solo"), (REAL[0].lower(), "solo"), (f"Honestly, {REAL[0]}", "solo")] + others)
    assert again[0] <= once[0]  # posted three times by one member: no more typical than once
    by_three = central([(REAL[0], "a"), (REAL[0].lower(), "b"), (f"Honestly, {REAL[0]}", "c")] + others)
    assert by_three[0] > once[0]  # three members making the point: it is typical


def test_a_chosen_point_is_shown_by_its_strongest_statement_nearby():
    from bot.steelman.select import Candidate, greedy
    from bot.steelman.similarity import Corpus, Typicality
    from bot.steelman.tokens import features, terms, words

    texts = ["Legal sales would create jobs for farmers and shop workers.",  # 0: the jobs point, most typical
             "Farmers and shop workers would have new jobs and steady wages.",  # 1: the same point
             "Arrests for possession ruin young lives with criminal records that block careers.",
             "Criminal records for small possession offences keep people out of housing.",
             "Testing and labelling would protect users from contaminated street products.",
             "Labelled, tested products tell users the strength of what they buy.",
             "Tax revenue from regulated sales could fund schools and treatment."]
    corpus = Corpus([features(terms(words(t))) for t in texts])

    def shown(merits: dict[int, float], k: int = 1, stated: dict[int, float] | None = None) -> list[int]:
        candidates = [Candidate(i, i + 1, merits.get(i, 0.0), merits.get(i, 0.0)) for i in range(len(texts))]
        statement = None if stated is None else (lambda c: stated.get(c.index, c.merit))
        # Typicality weighs so much that the point chosen first is the most typical post, whatever its merit.
        chosen = greedy(candidates, corpus, k, 0.5, Typicality(corpus), 100.0, 0.04, statement=statement)
        return [c.index for c, _ in chosen]

    assert shown({}) == [0]  # all equal: the most typical statement of the point
    assert shown({1: 1.0}) == [1]  # a neighbour making the point a standard deviation better is shown instead
    assert shown({1: 0.2}) == [0]  # a hair better is not enough to move it
    assert shown({3: 1.0}) == [0]  # a stronger argument for another point is not this point's face
    two = shown({1: 1.0}, k=2)
    assert two[0] == 1 and two[1] not in (0, 1)  # the next-best pick is another point, never its other wording
    # Statements are compared as the engine says (its finer quality model's reading), when it says.
    assert shown({1: 1.0}, stated={1: 0.1}) == [0]
    assert shown({}, stated={1: 1.0}) == [1]


def test_weights_without_the_finer_quality_model_still_load_and_score():
    import json

    from bot.steelman import model
    from bot.steelman.quality import fine, scores
    from bot.steelman.tokens import words

    spec = json.loads(model.WEIGHTS.read_text(encoding="utf-8"))
    assert "fine_quality" in spec  # the shipped weights have it
    spec.pop("fine_quality")
    older = model.from_spec(spec)  # weights trained before it: faces compare by the same merit as points
    text = "Legal sales would create jobs for farmers and shop workers, and tax revenue for schools."
    assert older.fine is None and fine(text, words(text), older) is None
    assert summarize([arg(1, text), arg(2, RED_TEAMS), arg(3, INTERPRETABILITY)], SIDES, models=older).sides[
        "go-faster"]  # the engine still picks, comparing statements by their merit
    shipped = model.load()
    quality, _ = scores(text, words(text), shipped)
    assert 0.0 < fine(text, words(text), shipped) <= 1.0 and fine(text, words(text), shipped) != quality


def test_once_a_point_is_picked_its_restatements_stop_counting_as_typical():
    from bot.steelman.similarity import Corpus, Typicality
    from bot.steelman.tokens import features, terms, words

    jobs = ["Legal sales would create jobs for farmers and shop workers.",
            "Farmers and shop workers would have new jobs and steady wages.",
            "New jobs for farmers and shop staff would follow, with steady wages."]
    others = ["Arrests for possession ruin young lives with criminal records that block careers.",
              "Criminal records for small possession offences keep people out of housing.",
              "Police time spent on possession arrests would be better spent on violent crime.",
              "Testing and labelling would protect users from contaminated street products.",
              "Labelled, tested products tell users the strength of what they buy.",
              "Adults should decide for themselves what they put in their own bodies.",
              "Personal freedom means adults decide about their own bodies, not the state.",
              "Tax revenue from regulated sales could fund schools and treatment.",
              "Schools and treatment programmes would gain from the tax revenue."]
    texts = jobs + others
    corpus = Corpus([features(terms(words(t))) for t in texts])
    typical = Typicality(corpus, [f"m{i}" for i in range(len(texts))])
    everyone = list(range(len(texts)))
    before = typical.residual(everyone)
    assert before == pytest.approx(typical.scores())  # nothing picked yet: typicality of the whole side
    # Three members make the jobs point, so its third wording is more typical than any other point's post.
    assert before[2] > max(before[3:])
    typical.cover(0, 0.35)  # the first jobs post is picked: it and its close restatement leave the centroid
    assert 1 in typical.covered and 2 not in typical.covered
    after = typical.residual(everyone)
    # The third wording shares its words with those two only: it no longer stands for what the side still
    # has to say, and every other point's post now comes before it.
    assert after[2] < min(after[3:])
