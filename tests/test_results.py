"""Results by the Intelligence Squared rule, from append-only histories."""

from datetime import UTC, datetime, timedelta

from bot import results, rules
from bot.config import Settings
from bot.domain import Actor, Position

NOW = datetime(2026, 11, 23, 18, tzinfo=UTC)


def debate(sides="pause, go faster"):
    settings = Settings()
    return rules.new_debate(1, "m", rules.parse_sides(sides, 6), settings.format("oxford"), "c", Actor("m", "M"), NOW)


def pos(seq, member, side, phase, credited=None):
    return Position(1, member, member.title(), side, None, None, credited, phase, NOW + timedelta(minutes=seq), seq)


def test_side_that_gained_most_wins_even_if_not_the_largest():
    d = debate()
    history = [pos(1, "a", "pause", 0), pos(2, "b", "pause", 0), pos(3, "c", "pause", 0), pos(4, "d", "go-faster", 0),
               pos(5, "e", "undecided", 0), pos(6, "e", "go-faster", 2, credited=4)]
    r = results.compute(d, history)
    assert r.winner == "go-faster" and round(r.gains["go-faster"]) == 20
    assert r.share("pause", "post") == 60  # pause is still the largest side, but did not grow
    assert [(m.member_name, m.before, m.after, m.credited) for m in r.moves] == [("E", "undecided", "go-faster", 4)]
    assert r.credited == [(4, 1)]


def test_last_pre_vote_position_counts_and_held_positions_carry_over():
    d = debate()
    r = results.compute(d, [pos(1, "a", "pause", 0), pos(2, "a", "go-faster", 0), pos(3, "b", "pause", 0)])
    assert r.pre == {"pause": 1, "go-faster": 1, "undecided": 0} and r.post == r.pre and r.moves == []
    assert r.winner == "tie"


def test_no_winner_without_votes_on_both_sides_of_the_debate():
    assert results.compute(debate(), [pos(1, "a", "pause", 2)]).winner is None


def test_advance_chains_phases_from_the_deadline():
    d = debate()
    d2 = rules.advance(d, d.phase_ends_at)
    assert d2.phase == 1 and d2.pre_vote_closed_at == d.phase_ends_at
    assert d2.phase_ends_at == d.phase_ends_at + timedelta(hours=1)
    closed = rules.advance(rules.advance(rules.advance(rules.advance(d2, NOW), NOW), NOW), NOW)
    assert closed.state.value == "closed" and closed.post_vote_closed_at == NOW


def test_whole_shares_add_up_to_100():
    from bot.results import Results

    r = Results(pre={"a": 1, "b": 1, "c": 1}, post={"a": 2, "b": 1, "c": 0}, pre_total=3, post_total=3)
    assert r.whole_shares(["a", "b", "c"], "pre") == [34, 33, 33]  # not 33 + 33 + 33 = 99, nor 101
    assert sum(r.whole_shares(["a", "b", "c"], "post")) == 100


def test_shortened_quotes_end_at_a_word():
    from bot.cleaning import shorten

    text = "Interpretability research needs frontier-scale models, and only a lab at the frontier gets that within reach."
    cut = shorten(text, 90)
    assert len(cut) <= 90 and cut.endswith("…")
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "  # cut between words
