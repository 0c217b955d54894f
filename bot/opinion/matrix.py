"""From a bag of votes to the member x argument matrix, in an order that does not depend on the
input's."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

from .types import AGREE, Vote


def member_key(member_id: Hashable) -> tuple[str, str]:
    """A total order over ids of any type, so mixed or unorderable ids still sort the same every
    run."""
    return (type(member_id).__name__, str(member_id))


@dataclass(frozen=True)
class Ballot:
    """Every member's latest vote on every argument; members and arguments in canonical order."""

    members: tuple[Hashable, ...]
    arguments: tuple[int, ...]
    values: np.ndarray  # float, members x arguments: 1, -1, 0 or NaN where the member did not vote
    sides: tuple[str | None, ...]  # per member

    @property
    def voted(self) -> np.ndarray:
        return ~np.isnan(self.values)

    def rows(self, keep: np.ndarray) -> "Ballot":
        members = tuple(m for m, k in zip(self.members, keep) if k)
        sides = tuple(s for s, k in zip(self.sides, keep) if k)
        return Ballot(members, self.arguments, self.values[keep], sides)


def latest_votes(votes: Iterable[Vote]) -> dict[tuple[Hashable, int], Vote]:
    """The vote that counts per (member, argument). Two different votes at the same time are a
    caller's bug: picking one would make the groups depend on input order."""
    latest: dict[tuple[Hashable, int], Vote] = {}
    for vote in votes:
        key = (vote.member_id, vote.argument)
        held = latest.get(key)
        if held is None or vote.at > held.at:
            latest[key] = vote
        elif vote.at == held.at and vote.value != held.value:
            raise ValueError(f"member {vote.member_id!r} has two different votes on argument "
                             f"{vote.argument} at the same time {vote.at}")
    return latest


def declared_sides(votes: Iterable[Vote]) -> dict[Hashable, str]:
    """Each member's side as of their latest vote that names one (ties: the first side by name)."""
    best: dict[Hashable, tuple[float, str]] = {}
    for vote in votes:
        if vote.side is None:
            continue
        held = best.get(vote.member_id)
        candidate = (vote.at, vote.side)
        # later wins; at the same time the side that sorts first, so input order does not matter
        if held is None or (candidate[0], held[1]) > (held[0], candidate[1]):
            best[vote.member_id] = candidate
    return {member: side for member, (_, side) in best.items()}


def build_ballot(votes: Iterable[Vote]) -> Ballot:
    votes = list(votes)
    latest = latest_votes(votes)
    sides = declared_sides(votes)
    members = sorted({m for m, _ in latest}, key=member_key)
    arguments = sorted({a for _, a in latest})
    row = {m: i for i, m in enumerate(members)}
    col = {a: j for j, a in enumerate(arguments)}
    values = np.full((len(members), len(arguments)), np.nan)
    if latest:
        cells = np.array([(row[m], col[a], v.value) for (m, a), v in latest.items()],
                         dtype=np.int64)
        values[cells[:, 0], cells[:, 1]] = cells[:, 2]
    return Ballot(tuple(members), tuple(arguments), values, tuple(sides.get(m) for m in members))


def agrees_with_everything(ballot: Ballot, share: float, min_votes: int) -> np.ndarray:
    """Members whose votes are (nearly) all agrees: they add no signal about how people differ and,
    left at full weight, pull the map and the groups toward an artificial "agree" cluster
    (polis#2025)."""
    voted = ballot.voted.sum(axis=1)
    agreed = (ballot.values == AGREE).sum(axis=1)
    return (voted >= min_votes) & (agreed >= share * np.maximum(voted, 1))
