"""The opinion-group engine (issue 18): groups found from votes, what each believes, what all
share."""

from __future__ import annotations

import importlib
import random
import sys
from pathlib import Path

import pytest

from bot.opinion import (
    AGREE,
    DISAGREE,
    PASS,
    OpinionEngineUnavailable,
    OpinionSettings,
    Vote,
    find_groups,
)

pytest.importorskip("numpy", reason="the opinion extra (numpy) is not installed")

ROOT = Path(__file__).resolve().parents[1]
POLIS = ROOT.parent / "shared" / "data" / "polis"

# Three opinion groups over 30 arguments: each group rejects a different block of ten arguments.
BLOCKS = {"compute-caps": (DISAGREE, AGREE, AGREE), "open-models": (AGREE, DISAGREE, AGREE),
          "growth-first": (AGREE, AGREE, DISAGREE)}


def hidden_groups_debate(seed: int = 7, per_group: int = 20, agree_all: int = 0):
    """Declared sides "pause" and "go-faster" cut across three opinion groups: compute-caps members
    all say pause, growth-first all say go-faster, open-models split half and half."""
    rng = random.Random(seed)
    votes, planted = [], {}
    for name, stance in BLOCKS.items():
        for i in range(per_group):
            member = f"{name}-{i}"
            pauses = name == "compute-caps" or (name == "open-models" and i % 2)
            side = "pause" if pauses else "go-faster"
            planted[member] = name
            for argument in range(1, 31):
                if rng.random() < 0.6:  # members vote on some arguments, not all
                    lean = stance[(argument - 1) // 10]
                    value = lean if rng.random() < 0.85 else rng.choice((AGREE, DISAGREE, PASS))
                    votes.append(Vote(member, argument, value, side=side))
    for i in range(agree_all):
        votes += [Vote(f"yes-{i}", a, AGREE, side="go-faster") for a in range(1, 31)]
    return votes, planted


def by_group(result):
    return {frozenset(g.member_ids) for g in result.groups}


def test_two_declared_sides_hide_three_opinion_groups():
    votes, planted = hidden_groups_debate()
    result = find_groups(votes)
    assert result.found and len(result.groups) == 3
    expected = {frozenset(m for m, g in planted.items() if g == name) for name in BLOCKS}
    assert by_group(result) == expected
    sides = {planted[g.member_ids[0]]: g.sides for g in result.groups}
    assert sides == {"compute-caps": (("pause", 20),), "growth-first": (("go-faster", 20),),
                     "open-models": (("go-faster", 10), ("pause", 10))}
    assert len(result.points) == 60 and {p.group for p in result.points} == {0, 1, 2}


def test_each_group_is_told_apart_by_the_block_it_rejects():
    votes, planted = hidden_groups_debate()
    result = find_groups(votes)
    for group in result.groups:
        name = planted[group.member_ids[0]]
        block = BLOCKS[name].index(DISAGREE)
        rejected = range(1 + 10 * block, 11 + 10 * block)
        assert group.representative, f"{name} has no representative arguments"
        for rep in group.representative:
            assert rep.direction == "disagree" and rep.argument in rejected
            assert rep.group_share > 0.7 and rep.others_share < 0.3


def test_same_votes_give_the_same_groups_whatever_the_order():
    votes, _ = hidden_groups_debate(seed=3)
    first = find_groups(votes)
    shuffled = list(votes)
    random.Random(99).shuffle(shuffled)
    again = find_groups(shuffled)
    assert again == first  # groups, ids, map coordinates, consensus: all identical


def test_a_changed_vote_counts_once_and_the_latest_wins():
    votes, _ = hidden_groups_debate(seed=3)
    member, argument = votes[0].member_id, votes[0].argument
    changed = votes + [Vote(member, argument, -votes[0].value or AGREE, at=5.0)]
    result = find_groups(changed)
    assert result.votes == len(votes)
    with pytest.raises(ValueError, match="two different votes"):
        find_groups(votes + [Vote(member, argument, -votes[0].value or AGREE)])


def test_too_few_votes_says_how_many_there_are_and_how_many_are_needed():
    votes = [Vote(f"keen-{i}", a, AGREE if (a + i) % 2 else DISAGREE)
             for i in range(3) for a in range(10)]
    votes += [Vote(f"brief-{i}", a, AGREE) for i in range(5) for a in range(2)]
    result = find_groups(votes)
    assert not result.found and result.groups == () and result.points == ()
    assert (result.members_voting, result.members_counted, result.min_votes) == (8, 3, 7)
    assert result.min_members == 5 and result.votes == 40
    assert "3 of 8" in result.reason and "at least 7 of the 10" in result.reason
    assert "at least 5" in result.reason


def test_members_who_vote_alike_cannot_be_split():
    votes = [Vote(f"m{i}", a, AGREE) for i in range(6) for a in range(8)]
    result = find_groups(votes)
    assert not result.found and "alike" in result.reason


def test_members_who_agree_with_everything_are_flagged_and_do_not_form_a_group():
    votes, planted = hidden_groups_debate(agree_all=6)
    result = find_groups(votes)
    assert set(result.flagged) == {f"yes-{i}" for i in range(6)}
    assert {p.member_id for p in result.points if p.agrees_with_everything} == set(result.flagged)
    assert len(result.groups) == 3
    for group in result.groups:
        real = {planted[m] for m in group.member_ids if m in planted}
        assert len(real) == 1  # each group is still exactly one planted group, plus any yes-voters


def small_case():
    """Two groups of six. Argument 1: everyone agrees. 2: group X agrees, Y disagrees. 3: the
    reverse. 4: X agrees, Y passes or splits. 5: everyone disagrees."""
    votes = []
    for i in range(6):
        x, y = f"x{i}", f"y{i}"
        votes += [Vote(x, 1, AGREE, "for"), Vote(x, 2, AGREE, "for"), Vote(x, 3, DISAGREE, "for"),
                  Vote(x, 4, AGREE, "for"), Vote(x, 5, DISAGREE, "for")]
        votes += [Vote(y, 1, AGREE, "against"), Vote(y, 2, DISAGREE, "against"),
                  Vote(y, 3, AGREE, "against"),
                  Vote(y, 4, (PASS, AGREE, DISAGREE)[i % 3], "against"),
                  Vote(y, 5, DISAGREE, "against")]
    return votes


def test_consensus_and_representative_arguments_on_a_hand_made_case():
    # Two groups asked for: Y's three ways of voting on argument 4 are, left free, three tiny
    # groups.
    result = find_groups(small_case(), OpinionSettings(groups=(2, 2)))
    assert result.found and len(result.groups) == 2
    x = next(g for g in result.groups if "x0" in g.member_ids)
    y = next(g for g in result.groups if "y0" in g.member_ids)
    assert set(x.member_ids) == {f"x{i}" for i in range(6)} and x.sides == (("for", 6),)
    # Argument 1: both groups 6/6 agree: (6+1)/(6+2) each, product 0.765625.
    assert [c.argument for c in result.consensus] == [1]
    top = result.consensus[0]
    assert top.score == pytest.approx((7 / 8) ** 2) and top.lowest_agree == pytest.approx(7 / 8)
    assert result.ranking[0] == top and len(result.ranking) == 5
    assert not next(c for c in result.ranking if c.argument == 4).every_group_agrees  # Y: 2 of 6
    rep_x = {(r.argument, r.direction) for r in x.representative}
    rep_y = {(r.argument, r.direction) for r in y.representative}
    assert (2, "agree") in rep_x and (3, "disagree") in rep_x
    assert (2, "disagree") in rep_y and (3, "agree") in rep_y
    assert all(r.argument not in (1, 5) for r in x.representative + y.representative)
    first = x.representative[0]
    assert first.group_share == 1.0 and first.others_share == 0.0 and first.votes == 6
    assert first.ratio == pytest.approx((7 / 8) / (1 / 8))


def test_the_group_count_range_is_configurable():
    votes, _ = hidden_groups_debate()
    assert len(find_groups(votes, OpinionSettings(groups=(2, 2))).groups) == 2
    assert len(find_groups(votes, OpinionSettings(groups=(4, 6))).groups) >= 4
    with pytest.raises(ValueError):
        OpinionSettings(groups=(1, 5))


def test_without_numpy_the_entry_point_says_how_to_install_it(monkeypatch):
    import bot.opinion as opinion

    computing = {f"bot.opinion.{m}" for m in ("engine", "matrix", "pca", "cluster", "statements")}
    for name in [m for m in sys.modules
                 if m in computing or m == "numpy" or m.startswith("numpy.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "numpy", None)  # makes "import numpy" raise ImportError
    assert not opinion.available()
    with pytest.raises(OpinionEngineUnavailable, match=r"steelman\[opinion\]"):
        opinion.find_groups(small_case())


def bench_module():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        return importlib.import_module("opinion_groups")
    finally:
        sys.path.remove(str(ROOT / "bench"))


@pytest.mark.skipif(not POLIS.is_dir(), reason=f"Polis data not found at {POLIS}")
def test_the_benchmark_reads_every_polis_conversation():
    bench = bench_module()
    folders = bench.conversations(POLIS.parent)
    names = {f.name for f in folders}
    assert names >= {"15-per-hour-seattle", "brexit-consensus", "vtaiwan.uberx"}
    seattle = POLIS / "15-per-hour-seattle"
    votes, groups = bench.load_votes(seattle), bench.polis_groups(seattle)
    hidden = bench.moderated_out(seattle)
    assert votes and hidden and not {v.argument for v in votes} & hidden
    assert {v.value for v in votes} <= {AGREE, DISAGREE, PASS}
    assert len(groups) == 138 and set(groups.values()) == {0, 1}


def test_adjusted_rand_index():
    ari = bench_module().adjusted_rand
    assert ari([0, 0, 1, 1], [5, 5, 9, 9]) == 1.0  # same partition, other names
    assert ari([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert ari([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.2424, abs=1e-4)


def test_agreeing_with_everything_weighs_down_the_tallies_not_the_map():
    votes, _ = hidden_groups_debate(agree_all=6)
    light, full = find_groups(votes), find_groups(votes, OpinionSettings(agree_all_weight=1.0))
    assert [(p.member_id, p.x, p.y, p.group) for p in light.points] == \
        [(p.member_id, p.x, p.y, p.group) for p in full.points]  # placed where they stand
    # ...but their blanket agrees count for less in what each group is said to believe
    assert [c.score for c in light.ranking] != [c.score for c in full.ranking]


def test_arguments_moderated_out_count_as_passes_when_members_are_placed():
    """Polis zeroes a moderated-out comment's column for everyone: it adds to every member's count, so a
    member who voted on few arguments is pushed out from the centre less."""
    votes, _ = hidden_groups_debate()
    few = {"compute-caps-0"}
    votes = [v for v in votes if v.member_id not in few or v.argument <= 12]
    plain, moderated = find_groups(votes), find_groups(votes, moderated_out=20)
    radius = lambda r, m: next((p.x ** 2 + p.y ** 2) ** 0.5 for p in r.points if p.member_id == m)  # noqa: E731
    typical = "compute-caps-1"
    assert radius(moderated, "compute-caps-0") / radius(moderated, typical) < \
        radius(plain, "compute-caps-0") / radius(plain, typical)


def test_the_benchmark_reads_the_polis_folder_itself_too():
    bench = bench_module()
    assert bench.conversations(POLIS) == bench.conversations(POLIS.parent)
