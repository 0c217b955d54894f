"""Opinion groups from agree/disagree/pass votes, following Polis's published method.

Members with enough votes are placed on a two-dimensional map (PCA of the vote matrix), clustered
with k-means, and the group count is the one with the best silhouette in the configured range.
Everything is seeded and canonically ordered, so the same votes give the same groups whatever order
they arrive in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from .cluster import choose_groups
from .matrix import Ballot, agrees_with_everything, build_ballot, member_key
from .pca import project
from .statements import consensus_ranking, representative, tally
from .types import MemberPoint, OpinionGroup, OpinionResult, OpinionSettings, Vote

LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _too_few(base: dict, reason: str) -> OpinionResult:
    return OpinionResult(found=False, reason=reason, **base)


def _canonical(labels: np.ndarray, members: tuple) -> np.ndarray:
    """Renumber groups largest first (ties: the group holding the first member in id order)."""
    first = {g: min(np.flatnonzero(labels == g)) for g in np.unique(labels)}
    order = sorted(first, key=lambda g: (-int((labels == g).sum()), first[g]))
    remap = {g: i for i, g in enumerate(order)}
    return np.array([remap[g] for g in labels], dtype=int)


def _make_up(sides: Iterable[str | None]) -> tuple[tuple[str, int], ...]:
    counts = Counter(side or "" for side in sides)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _groups(ballot: Ballot, labels: np.ndarray, tallies, settings: OpinionSettings):
    out = []
    for g in range(int(labels.max()) + 1):
        rows = np.flatnonzero(labels == g)
        out.append(OpinionGroup(
            id=g, label=LABELS[g % len(LABELS)] * (1 + g // len(LABELS)), size=len(rows),
            member_ids=tuple(ballot.members[i] for i in rows),
            sides=_make_up(ballot.sides[i] for i in rows),
            representative=representative(tallies, g, ballot.arguments, settings.z_90,
                                          settings.representative),
        ))
    return tuple(out)


def find_groups(votes: Iterable[Vote], settings: OpinionSettings | None = None,
                moderated_out: int = 0) -> OpinionResult:
    """``moderated_out``: how many arguments were removed by moderators (their votes left out of
    ``votes``); Polis counts each as a pass by everyone when it places members on the map."""
    settings = settings or OpinionSettings()
    everyone = build_ballot(votes)
    n_args = len(everyone.arguments)
    need = max(1, min(settings.min_votes, n_args))
    counted = everyone.voted.sum(axis=1) >= need
    ballot = everyone.rows(counted)
    base = dict(members_voting=len(everyone.members), members_counted=len(ballot.members),
                votes=int(everyone.voted.sum()), arguments=n_args, min_votes=need,
                min_members=settings.min_members)
    if len(ballot.members) < settings.min_members:
        return _too_few(base, (
            f"too few votes to find groups: {len(ballot.members)} of {len(everyone.members)} "
            f"voting members voted on at least {need} of the {n_args} arguments "
            f"({base['votes']} votes in all); at least {settings.min_members} such members are "
            "needed"))
    flagged = agrees_with_everything(ballot, settings.agree_all_share, need)
    # Members who agree with everything are placed on the map and grouped as Polis places them (the
    # map shows where they stand), but weigh less in what a group is said to believe and in what
    # all groups share, where their blanket agrees would pass for consensus (polis#2025).
    weights = np.where(flagged, settings.agree_all_weight, 1.0)
    everyone_alike = np.ones(len(ballot.members))
    projection = project(ballot.values, everyone_alike, settings.seed, moderated_out)
    grouping = choose_groups(projection.points, everyone_alike, settings.groups, settings.seed,
                             settings.restarts, settings.group_margin, settings.silhouette_sample)
    if grouping is None:
        return _too_few(base, (
            f"no groups to find: the {len(ballot.members)} counted members vote too much alike "
            f"to be told apart (at least {settings.groups[0]} distinct voting patterns are "
            "needed)"))
    labels = _canonical(grouping.labels, ballot.members)
    tallies = tally(ballot.values, weights, labels, int(labels.max()) + 1)
    groups = _groups(ballot, labels, tallies, settings)
    points = tuple(
        MemberPoint(m, float(x), float(y), int(g), side, bool(f))
        for m, (x, y), g, side, f in zip(
            ballot.members, projection.points, labels, ballot.sides, flagged)
    )
    ranking = consensus_ranking(tallies, ballot.arguments)
    sizes = ", ".join(f"{g.label}: {g.size}" for g in groups)
    summary = f"{len(groups)} opinion groups among {len(ballot.members)} members ({sizes})"
    return OpinionResult(
        found=True, reason=summary, groups=groups, ranking=ranking,
        consensus=tuple(c for c in ranking if c.every_group_agrees),
        points=points,
        flagged=tuple(sorted((m for m, f in zip(ballot.members, flagged) if f), key=member_key)),
        silhouette=float(grouping.silhouette), silhouettes=grouping.tried,
        variance_explained=projection.explained, **base)
