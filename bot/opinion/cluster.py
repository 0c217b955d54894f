"""Groups on the opinion map: weighted k-means, and the group count chosen by silhouette.

Polis first pools members into ~100 fine "base" clusters and groups those. We cluster the members
themselves: on the Polis conversations the base step made the groups depend on its seed (adjusted
Rand against Polis's groups swung from 0.71 to 0.87 over ten seeds on vtaiwan.uberx), while k-means
on the members with a few restarts lands on the same answer every time. It is cheap on a 2-D map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KMEANS_ITERATIONS = 100


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray  # per point
    centers: np.ndarray
    inertia: float


def _sq_distances(points: np.ndarray, centers: np.ndarray) -> np.ndarray:
    return ((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)


def _seed_centers(points: np.ndarray, weights: np.ndarray, k: int, rng) -> np.ndarray:
    """k-means++: each next centre drawn in proportion to weight x squared distance from the
    chosen."""
    chosen = [int(rng.choice(len(points), p=weights / weights.sum()))]
    nearest = _sq_distances(points, points[chosen])[:, 0]
    for _ in range(1, k):
        mass = weights * nearest
        if mass.sum() <= 0:  # fewer distinct points than k: take any not yet chosen
            pick = next(i for i in range(len(points)) if i not in chosen)
        else:
            pick = int(rng.choice(len(points), p=mass / mass.sum()))
        chosen.append(pick)
        nearest = np.minimum(nearest, _sq_distances(points, points[[pick]])[:, 0])
    return points[chosen].astype(float)


def _lloyd(points: np.ndarray, weights: np.ndarray, centers: np.ndarray) -> Clustering:
    for _ in range(KMEANS_ITERATIONS):
        labels = np.argmin(_sq_distances(points, centers), axis=1)
        mass = np.bincount(labels, weights=weights, minlength=len(centers))
        sums = np.stack([
            np.bincount(labels, weights=weights * points[:, d], minlength=len(centers))
            for d in range(points.shape[1])
        ], axis=1)
        moved = np.where(mass[:, None] > 0, sums / np.maximum(mass, 1e-300)[:, None], centers)
        if np.allclose(moved, centers, rtol=0.0, atol=1e-12):
            break
        centers = moved
    labels = np.argmin(_sq_distances(points, centers), axis=1)
    nearest = _sq_distances(points, centers)[np.arange(len(points)), labels]
    inertia = float((weights * nearest).sum())
    return Clustering(labels, centers, inertia)


def kmeans(points: np.ndarray, weights: np.ndarray, k: int, seed: int,
           restarts: int) -> Clustering:
    """The tightest of ``restarts`` seeded runs; the same inputs give the same answer each time."""
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(max(1, restarts)):
        run = _lloyd(points, weights, _seed_centers(points, weights, k, rng))
        if best is None or run.inertia < best.inertia * (1 - 1e-12):
            best = run
    return best


def silhouette(points: np.ndarray, weights: np.ndarray, labels: np.ndarray) -> float:
    """Weighted mean silhouette, each point standing for ``weight`` members at its place.

    A point's own weight is left out of its cluster's mean distance; a lone point scores 0, as
    usual.
    """
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return 0.0
    dist = np.zeros((len(points), len(points)))
    for d in range(points.shape[1]):  # per axis: an n x n x 2 temporary would double the memory
        dist += np.subtract.outer(points[:, d], points[:, d]) ** 2
    np.sqrt(dist, out=dist)
    member = labels[:, None] == clusters[None, :]  # points x clusters
    mass = weights @ member
    # weighted distance sum from each point to each cluster
    total = dist @ (weights[:, None] * member)
    own = np.argmax(member, axis=1)
    rows = np.arange(len(points))
    others_in_own = mass[own] - weights
    inside = np.divide(total[rows, own], others_in_own, out=np.zeros(len(points)),
                       where=others_in_own > 1e-12)
    mean_to = total / np.maximum(mass, 1e-300)[None, :]
    mean_to[rows, own] = np.inf
    nearest = mean_to.min(axis=1)
    spread = np.maximum(inside, nearest)
    score = np.divide(nearest - inside, spread, out=np.zeros(len(points)), where=spread > 0)
    score[others_in_own <= 1e-12] = 0.0
    return float(weights @ score / weights.sum())


@dataclass(frozen=True)
class Grouping:
    labels: np.ndarray  # per member
    silhouette: float
    tried: tuple[tuple[int, float], ...]


def choose_groups(points: np.ndarray, weights: np.ndarray, group_range: tuple[int, int], seed: int,
                  restarts: int, margin: float, sample: int) -> Grouping | None:
    """Cluster the members for every group count in range and keep the best silhouette, where a
    larger count must beat the best smaller one by ``margin``: silhouettes within a few hundredths
    are noise of k-means, and an extra group that is not clearly there only splits a real one
    (Polis gets the same caution by switching count only when a new one stays best over several
    updates). None when there are too few distinct places to form even two groups."""
    distinct = len(np.unique(np.round(points, 12), axis=0))
    # k groups need k distinct places, and silhouette needs a member left over beyond k
    low, high = group_range[0], min(group_range[1], distinct, len(points) - 1)
    scored = _silhouette_sample(len(points), sample, seed)
    best, tried = None, []
    for k in range(low, high + 1):
        run = kmeans(points, weights, k, seed + k, restarts)
        score = silhouette(points[scored], weights[scored], run.labels[scored])
        tried.append((k, round(score, 6)))
        if best is None or score > best[0] + margin:
            best = (score, run.labels)
    if best is None:
        return None
    return Grouping(best[1], best[0], tuple(tried))


def _silhouette_sample(n: int, limit: int, seed: int) -> np.ndarray:
    """Silhouette needs all pairwise distances: beyond ``limit`` members, a seeded sample."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))
