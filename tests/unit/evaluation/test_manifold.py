"""Precision and recall of k-NN manifolds against known answers and brute force."""

from __future__ import annotations

import numpy as np
import pytest

from ganops.evaluation.manifold import knn_radii, precision_recall


def test_knn_radius_excludes_the_point_itself() -> None:
    points = np.arange(10, dtype=float)[:, None]  # 0, 1, ..., 9 on a line
    np.testing.assert_allclose(knn_radii(points, k=1), np.ones(10))  # squared distance 1
    radii = knn_radii(points, k=3)
    assert radii[0] == pytest.approx(9.0) and radii[5] == pytest.approx(4.0)


def test_precision_recall_known_answers() -> None:
    real = np.arange(10, dtype=float)[:, None]
    # One fake inside the real manifold, one far away: precision 1/2. The two fakes' balls
    # (radius 99.5 each, k = 1) cover every real point: recall 1.
    fake = np.array([[0.5], [100.0]])
    assert precision_recall(real, fake, k=1) == pytest.approx((0.5, 1.0))
    # Identical sets: everything covered both ways.
    assert precision_recall(real, real.copy(), k=3) == (1.0, 1.0)
    # Mode collapse: fakes all near one real point -> realistic but poor recall.
    collapsed = np.array([[4.0], [4.1], [4.2], [4.3]])
    precision, recall = precision_recall(real, collapsed, k=3)
    assert precision == 1.0
    assert recall == pytest.approx(0.1)  # the collapsed balls (radius 0.3) hold only x = 4


def test_precision_recall_matches_brute_force_on_random_clouds() -> None:
    rng = np.random.default_rng(4)
    real, fake = rng.standard_normal((150, 5)), rng.standard_normal((120, 5)) * 1.3 + 0.4

    def brute(support: np.ndarray, queries: np.ndarray, k: int) -> float:
        d_ss = np.linalg.norm(support[:, None] - support[None], axis=-1)
        radius = np.sort(d_ss, axis=1)[:, k]
        d_qs = np.linalg.norm(queries[:, None] - support[None], axis=-1)
        return float((d_qs <= radius[None]).any(axis=1).mean())

    precision, recall = precision_recall(real, fake, k=3)
    assert precision == pytest.approx(brute(real, fake, 3))
    assert recall == pytest.approx(brute(fake, real, 3))
    assert 0 < precision < 1 and 0 < recall < 1
