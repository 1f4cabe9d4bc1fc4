"""KID, precision/recall and class coverage checked against references and known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ganops.evaluation.coverage import (
    class_histogram,
    classes_seen,
    classifier_score,
    coverage_metrics,
    histogram_entropy,
)
from ganops.evaluation.kid import kernel_distance, mmd2_unbiased, polynomial_kernel
from ganops.evaluation.manifold import knn_radii, precision_recall


def mmd2_loop(x: np.ndarray, y: np.ndarray) -> float:
    """The textbook O(n^2) double sum, written without any vectorisation."""
    d = x.shape[1]

    def k(a: np.ndarray, b: np.ndarray) -> float:
        return (float(np.dot(a, b)) / d + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_mmd_matches_direct_loop() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((30, 4)), rng.standard_normal((25, 4)) * 1.5 + 0.3
    assert mmd2_unbiased(x, y) == pytest.approx(mmd2_loop(x, y), rel=1e-10)


def test_polynomial_kernel_values() -> None:
    x, y = np.array([[1.0, 2.0]]), np.array([[3.0, -1.0]])
    assert polynomial_kernel(x, y)[0, 0] == pytest.approx((1 / 2 + 1) ** 3)


def test_mmd_of_two_point_masses_is_closed_form() -> None:
    # Every x equals a, every y equals b (d = 1): MMD^2 = k(a,a) + k(b,b) - 2 k(a,b).
    a, b = 0.5, 2.0
    x, y = np.full((10, 1), a), np.full((12, 1), b)
    expected = (a * a + 1) ** 3 + (b * b + 1) ** 3 - 2 * (a * b + 1) ** 3
    assert mmd2_unbiased(x, y) == pytest.approx(expected, rel=1e-12)


def test_kid_is_near_zero_for_one_distribution_and_grows_with_shift() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((800, 8)), rng.standard_normal((800, 8))
    same, _ = kernel_distance(x, y, n_subsets=20, subset_size=400)
    small, _ = kernel_distance(x + 0.5, y, n_subsets=20, subset_size=400)
    large, _ = kernel_distance(x + 1.0, y, n_subsets=20, subset_size=400)
    assert abs(same) < 0.01
    assert 0.01 < small < large
    # A subset size covering both sets gives the single exact estimate.
    exact_same, std = kernel_distance(x, x, subset_size=10_000)
    assert std == 0.0 and exact_same == pytest.approx(mmd2_unbiased(x, x))


def test_kid_subsets_are_reproducible() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((300, 3)), rng.standard_normal((300, 3))
    first = kernel_distance(x, y, n_subsets=5, subset_size=100, seed=3)
    assert first == kernel_distance(x, y, n_subsets=5, subset_size=100, seed=3)


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


def test_histogram_entropy_known_values() -> None:
    assert histogram_entropy(np.array([5, 5, 5, 5])) == pytest.approx(math.log(4))
    assert histogram_entropy(np.array([0, 12, 0])) == 0.0
    assert histogram_entropy(np.array([1, 1, 2])) == pytest.approx(
        -(0.25 * math.log(0.25) * 2 + 0.5 * math.log(0.5))
    )
    assert classes_seen(np.array([0, 3, 1, 0])) == 2


def test_coverage_from_probabilities() -> None:
    one_hot = np.eye(4)[[0, 1, 2, 3, 0, 1, 2, 3]]
    np.testing.assert_array_equal(class_histogram(one_hot), [2, 2, 2, 2])
    metrics = coverage_metrics(one_hot)
    assert metrics["class_entropy"] == pytest.approx(math.log(4))
    assert metrics["classes_seen"] == 4.0
    # Confident and balanced: the classifier score reaches the number of classes ...
    assert metrics["classifier_score"] == pytest.approx(4.0, rel=1e-6)
    # ... collapsed onto one class, or uninformative: it is 1.
    assert classifier_score(np.eye(4)[[2] * 8]) == pytest.approx(1.0)
    assert classifier_score(np.full((8, 4), 0.25)) == pytest.approx(1.0)
