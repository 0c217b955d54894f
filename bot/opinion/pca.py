"""The opinion map: the first two principal components of the vote matrix, the way Polis draws it.

A missing vote is read as the argument's mean vote, so after centring it contributes nothing.
Projecting a member who voted on few arguments then lands them near the centre only because they
said little, so, as Polis does, each member's projection is scaled up by sqrt(arguments / arguments
they voted on). An argument moderated out counts, as in Polis (which zeroes its column for everyone),
as a pass by every member: it adds to both counts, which evens the scaling out between members who
voted on many arguments and members who voted on few.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COMPONENTS = 2
# extra directions in subspace iteration: convergence goes as (l_{k+p} / l_k) per step
OVERSAMPLE = 10
MAX_ITERATIONS = 60
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Projection:
    points: np.ndarray  # members x 2
    components: np.ndarray  # 2 x arguments, unit rows
    center: np.ndarray  # per argument: the weighted mean vote
    explained: tuple[float, float]  # share of the total variance along each component


def centred(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-centred votes with missing cells at 0 (the column mean), and the centre itself."""
    voted = ~np.isnan(values)
    filled = np.where(voted, values, 0.0)
    mass = weights @ voted
    center = np.divide(weights @ filled, mass, out=np.zeros(values.shape[1]), where=mass > 0)
    return np.where(voted, filled - center, 0.0), center


def top_components(x: np.ndarray, weights: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Leading eigenvectors (rows) and eigenvalues of the weighted scatter matrix X' W X.

    Block subspace iteration touches X only through products with a thin block, so 2,000 x 1,000
    costs milliseconds per step where a full eigendecomposition of the 1,000 x 1,000 scatter costs
    seconds.
    """
    n_args = x.shape[1]
    block = min(n_args, COMPONENTS + OVERSAMPLE)
    root = np.sqrt(weights)[:, None] * x
    basis = np.linalg.qr(np.random.default_rng(seed).standard_normal((n_args, block)))[0]
    previous = None
    for _ in range(MAX_ITERATIONS):
        basis = np.linalg.qr(root.T @ (root @ basis))[0]
        small = basis.T @ (root.T @ (root @ basis))
        values, vectors = np.linalg.eigh((small + small.T) / 2)
        order = np.argsort(values)[::-1][:COMPONENTS]
        top = values[order]
        settled = previous is not None and np.all(
            np.abs(top - previous) <= TOLERANCE * max(top[0], 1e-12))
        if block == n_args or settled:
            break
        previous = top
    components = (basis @ vectors[:, order]).T
    return _fixed_signs(components), np.clip(top, 0.0, None)


def _fixed_signs(components: np.ndarray) -> np.ndarray:
    """An eigenvector's sign is arbitrary; fixing it keeps the map from flipping between runs."""
    out = np.array(components)
    for row in out:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    return out


def project(values: np.ndarray, weights: np.ndarray, seed: int, moderated_out: int = 0) -> Projection:
    x, center = centred(values, weights)
    components, eigenvalues = top_components(x, weights, seed)
    if len(eigenvalues) < COMPONENTS:  # a single argument: the map has one real axis
        pad = COMPONENTS - len(eigenvalues)
        components = np.vstack([components, np.zeros((pad, x.shape[1]))])
        eigenvalues = np.concatenate([eigenvalues, np.zeros(pad)])
    voted = (~np.isnan(values)).sum(axis=1)
    scale = np.sqrt((values.shape[1] + moderated_out) / np.maximum(voted + moderated_out, 1))
    points = (x @ components.T) * scale[:, None]
    total = float(weights @ (x * x).sum(axis=1))
    explained = tuple(float(v / total) if total > 0 else 0.0 for v in eigenvalues[:COMPONENTS])
    return Projection(points, components, center, explained)
