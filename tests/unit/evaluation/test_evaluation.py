from __future__ import annotations

import numpy as np
import pytest
from scipy import linalg

from ganops.evaluation.features import pixel_features, to_unit_interval
from ganops.evaluation.frechet import frechet_distance, frechet_distance_of
from ganops.evaluation.pictures import grid_image, save_grid, save_loss_plot


def test_frechet_distance_matches_closed_form_for_diagonal_gaussians() -> None:
    # For diagonal covariances: |mu1-mu2|^2 + sum (s1 + s2 - 2 sqrt(s1 s2)).
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    var1, var2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(var1 + var2 - 2 * np.sqrt(var1 * var2))
    got = frechet_distance(mu1, np.diag(var1), mu2, np.diag(var2))
    assert got == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_matches_scipy_reference_on_full_covariances() -> None:
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


def test_pixel_features_pool_and_scale() -> None:
    images = np.full((2, 4, 4, 1), 255, np.uint8)
    images[1] = 0
    features = pixel_features(images)
    assert features.shape == (2, 4)
    np.testing.assert_allclose(features, [[1, 1, 1, 1], [0, 0, 0, 0]])
    np.testing.assert_allclose(to_unit_interval(np.array([-1.0, 0.0, 1.0])), [0, 0.5, 1])


def test_grid_tiles_images(tmp_path) -> None:
    images = np.zeros((5, 3, 3, 1), np.float32)
    grid = grid_image(images, columns=3, pad=1)
    assert grid.shape == (2 * 4 + 1, 3 * 4 + 1, 1)
    path = save_grid(images, tmp_path / "g.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_loss_plot_is_a_png(tmp_path) -> None:
    rows = [{"step": i, "d_loss": 1.0 / i, "g_loss": 0.5} for i in range(1, 50)]
    path = save_loss_plot(rows, tmp_path / "plots" / "losses.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
