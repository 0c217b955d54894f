"""What each group believes and what all groups share, from the vote tallies inside each group.

Every probability is smoothed as (count + 1) / (votes + 2), as in Polis: an argument two members
agreed with is not "100 % agreed", and an argument nobody in a group voted on reads as an even 0.5.
Tallies use the members' weights, so a member who agrees with everything counts for less here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .types import AGREE, DISAGREE, ConsensusArgument, RepresentativeArgument

DIRECTIONS = (("agree", AGREE), ("disagree", DISAGREE))


@dataclass(frozen=True)
class Tallies:
    """Per group x argument: weighted votes cast and weighted votes of each kind, plus raw vote
    counts."""

    votes: np.ndarray
    of: dict[int, np.ndarray]  # vote value -> weighted count of that vote
    raw_votes: np.ndarray


def tally(values: np.ndarray, weights: np.ndarray, labels: np.ndarray, n_groups: int) -> Tallies:
    one_hot = (labels[None, :] == np.arange(n_groups)[:, None]).astype(float)  # groups x members
    weighted = one_hot * weights[None, :]
    voted = (~np.isnan(values)).astype(float)
    counts = {v: weighted @ (values == v).astype(float) for v in (AGREE, DISAGREE)}
    return Tallies(weighted @ voted, counts, one_hot @ voted)


def smoothed(count: np.ndarray, votes: np.ndarray) -> np.ndarray:
    return (count + 1.0) / (votes + 2.0)


def _z_one(p: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """One-proportion z: does the group lean this way more than an even split would?"""
    return (p - 0.5) / np.sqrt(0.25 / (votes + 2.0))


def _z_two(x1, n1, x2, n2) -> np.ndarray:
    """Two-proportion z (pooled) on the smoothed counts: does the group lean this way more than the
    rest?"""
    x1, n1, x2, n2 = x1 + 1.0, n1 + 2.0, x2 + 1.0, n2 + 2.0
    pooled = (x1 + x2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return np.divide(x1 / n1 - x2 / n2, spread, out=np.zeros_like(spread), where=spread > 0)


def _candidates(t: Tallies, group: int, direction: str, value: int, z_min: float):
    """(metric, fields) for every argument where the group's lean in ``direction`` passes both
    tests."""
    count, votes = t.of[value][group], t.votes[group]
    rest_count, rest_votes = t.of[value].sum(axis=0) - count, t.votes.sum(axis=0) - votes
    p_in, p_out = smoothed(count, votes), smoothed(rest_count, rest_votes)
    ratio = p_in / p_out
    z_in, z_apart = _z_one(p_in, votes), _z_two(count, votes, rest_count, rest_votes)
    # Polis ranks by the product of the ratio, the probability and both test statistics: an
    # argument
    # must be both typical of the group and unlike the rest to come first.
    metric = ratio * p_in * z_in * z_apart
    share_in = np.divide(count, votes, out=np.zeros_like(votes), where=votes > 0)
    share_out = np.divide(rest_count, rest_votes, out=np.zeros_like(votes), where=rest_votes > 0)
    for c in np.flatnonzero((z_in > z_min) & (z_apart > z_min) & (ratio > 1.0)):
        yield float(metric[c]), c, (direction, float(share_in[c]), float(share_out[c]),
                                    float(ratio[c]), float(z_in[c]), float(z_apart[c]))


def representative(t: Tallies, group: int, arguments: tuple[int, ...], z_min: float,
                   limit: int) -> tuple[RepresentativeArgument, ...]:
    """The arguments that set the group apart, most telling first; each argument at most once, in
    the direction where it is more telling."""
    best: dict[int, tuple[float, tuple]] = {}
    for direction, value in DIRECTIONS:
        for metric, c, fields in _candidates(t, group, direction, value, z_min):
            if c not in best or metric > best[c][0]:
                best[c] = (metric, fields)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], arguments[item[0]]))[:limit]
    return tuple(
        RepresentativeArgument(arguments[c], fields[0], *fields[1:], int(t.raw_votes[group][c]))
        for c, (_, fields) in ranked)


def consensus_ranking(t: Tallies, arguments: tuple[int, ...]) -> tuple[ConsensusArgument, ...]:
    """Every argument by group-informed consensus, highest first: the product over groups of each
    group's smoothed agree probability. A product, not a mean, so one large group cannot carry an
    argument that a small group rejects."""
    p = smoothed(t.of[AGREE], t.votes)  # groups x arguments
    score, lowest = p.prod(axis=0), p.min(axis=0)
    order = sorted(range(len(arguments)), key=lambda c: (-score[c], arguments[c]))
    return tuple(ConsensusArgument(arguments[c], float(score[c]), float(lowest[c]),
                                   tuple(float(x) for x in p[:, c]), bool(lowest[c] > 0.5))
                 for c in order)
