"""The Fréchet distance against closed forms, scipy's matrix square root and torch-fidelity's
implementation on fixed feature arrays, including the singular covariances of degenerate
feature spaces (no warning, the exact value)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import linalg

from ganops.evaluation.frechet import frechet_distance, frechet_distance_of, trace_sqrt_product
from tests.unit.evaluation.torch_fidelity_reference import feature_arrays


def test_closed_form_for_diagonal_gaussians() -> None:
    # For diagonal covariances: |mu1-mu2|^2 + sum (s1 + s2 - 2 sqrt(s1 s2)).
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    var1, var2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(var1 + var2 - 2 * np.sqrt(var1 * var2))
    got = frechet_distance(mu1, np.diag(var1), mu2, np.diag(var2))
    assert got == pytest.approx(expected, rel=1e-9)


def test_matches_scipy_reference_on_full_covariances() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((400, 6))
    b = rng.standard_normal((400, 6)) @ rng.standard_normal((6, 6)) + 0.5
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = linalg.sqrtm(cov_a).real
    reference = np.sum((mu_a - mu_b) ** 2) + np.trace(
        cov_a + cov_b - 2 * linalg.sqrtm(root_a @ cov_b @ root_a).real
    )
    assert frechet_distance_of(a, b) == pytest.approx(reference, rel=1e-6)


def test_identical_sets_give_zero() -> None:
    features = np.random.default_rng(1).standard_normal((300, 5))
    assert frechet_distance_of(features, features) == pytest.approx(0.0, abs=1e-8)


def test_singular_covariances_give_the_exact_value_without_a_warning() -> None:
    # 20 samples in 50 dimensions, and a feature that never varies: both covariances are
    # singular. The trace of sqrt(S1 S2) is the sum of the singular values of X1^T X2 / (n-1)
    # for centred sample matrices, an independent way to compute it.
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((20, 50)), rng.standard_normal((20, 50)) * 2.0
    a[:, 0] = b[:, 0] = 3.0
    ca, cb = a - a.mean(0), b - b.mean(0)
    expected = np.linalg.svd(ca @ cb.T / 19.0, compute_uv=False).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = trace_sqrt_product(np.cov(a, rowvar=False), np.cov(b, rowvar=False))
        assert np.isfinite(frechet_distance_of(a, b))
    assert got == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("case", ["low", "wide"])
def test_fid_matches_torch_fidelity(case: str, torch_fidelity_values: dict) -> None:
    arrays = feature_arrays()
    ours = frechet_distance_of(arrays[f"{case}_a"], arrays[f"{case}_b"])
    assert ours > 1.0
    # Measured: 2e-15 relative in float64; 1.3e-7 for float32 features, whose mean
    # torch-fidelity takes in float32 (both take the trace from eigenvalues).
    assert ours == pytest.approx(torch_fidelity_values[f"fid_{case}"], rel=1e-6)
