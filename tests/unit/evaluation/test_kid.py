"""KID: the unbiased MMD² against a direct double loop, a closed form and torch-fidelity's
implementation on fixed feature arrays; its subsets."""

from __future__ import annotations

import numpy as np
import pytest

from ganops.evaluation.kid import kernel_distance, mmd2_unbiased, polynomial_kernel
from tests.unit.evaluation.torch_fidelity_reference import feature_arrays


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


@pytest.mark.parametrize("case", ["low", "wide", "inception"])
def test_kid_matches_torch_fidelity(case: str, torch_fidelity_values: dict) -> None:
    arrays = feature_arrays()
    a, b = arrays[f"{case}_a"], arrays[f"{case}_b"]
    ours, spread = kernel_distance(a, b, n_subsets=1, subset_size=len(a))
    assert spread == 0.0 and ours > 1e-3
    # Ours sums the kernel in float64, torch-fidelity in the features' dtype: measured 1e-15
    # relative in float64, 3e-7 and 3e-6 for the float32 cases.
    assert ours == pytest.approx(torch_fidelity_values[f"kid_{case}"], rel=1e-5)
