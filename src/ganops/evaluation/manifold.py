"""Improved precision and recall (Kynkäänniemi et al. 2019) with k-NN manifolds.

Each set's manifold is the union of balls around its points, each ball's radius the distance
to that point's k-th nearest neighbour in the same set (itself excluded). Precision: share of
generated points inside the real manifold (are the samples realistic?). Recall: share of real
points inside the generated manifold (is the data's variety covered?).
"""

from __future__ import annotations

import numpy as np

CHUNK = 1024  # rows per block of the pairwise distance matrix (memory: CHUNK x N floats)


def _squared_distances(a: np.ndarray, b: np.ndarray, b_norms: np.ndarray) -> np.ndarray:
    a_norms = np.einsum("ij,ij->i", a, a)
    return np.maximum(a_norms[:, None] + b_norms[None, :] - 2.0 * (a @ b.T), 0.0)


def knn_radii(features: np.ndarray, k: int = 3) -> np.ndarray:
    """Squared distance from each point to its k-th nearest other point."""
    features = np.asarray(features, np.float64)
    if not 1 <= k < len(features):
        raise ValueError(f"k must be between 1 and {len(features) - 1} (got {k})")
    norms = np.einsum("ij,ij->i", features, features)
    radii = np.empty(len(features))
    for start in range(0, len(features), CHUNK):
        block = _squared_distances(features[start : start + CHUNK], features, norms)
        # Column k of the partition: index 0 is the point itself (distance 0).
        radii[start : start + CHUNK] = np.partition(block, k, axis=1)[:, k]
    return radii


def inside_manifold(
    queries: np.ndarray, support: np.ndarray, support_radii: np.ndarray
) -> np.ndarray:
    """For each query: is it within some support point's ball (distance <= that radius)?"""
    queries, support = np.asarray(queries, np.float64), np.asarray(support, np.float64)
    norms = np.einsum("ij,ij->i", support, support)
    inside = np.empty(len(queries), bool)
    for start in range(0, len(queries), CHUNK):
        block = _squared_distances(queries[start : start + CHUNK], support, norms)
        inside[start : start + CHUNK] = (block <= support_radii[None, :]).any(axis=1)
    return inside


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    """(precision, recall) of ``fake`` with respect to ``real``, both in [0, 1]."""
    precision = inside_manifold(fake, real, knn_radii(real, k)).mean()
    recall = inside_manifold(real, fake, knn_radii(fake, k)).mean()
    return float(precision), float(recall)
