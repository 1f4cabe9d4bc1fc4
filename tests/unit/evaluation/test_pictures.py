"""Pictures: sample grids, the loss plot, per-class grids and latent interpolation strips."""

from __future__ import annotations

import numpy as np
import pytest

from ganops.evaluation.pictures import (
    class_grid_images,
    grid_image,
    interpolation_images,
    save_grid,
    save_loss_plot,
    slerp,
)
from tests.unit.evaluation.helpers import CLASSES, conditional_generator, unconditional_generator


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


def test_per_class_grid_and_interpolation_strip() -> None:
    generator = conditional_generator()
    grid = class_grid_images(generator, CLASSES, per_class=4)
    assert grid.shape == (CLASSES * 4, 4, 4, 1)
    np.testing.assert_array_equal(
        np.round(grid[:, 0, 0, 0] * CLASSES).astype(int), np.repeat(np.arange(CLASSES), 4)
    )
    strip = interpolation_images(generator, rows=2, steps=5, n_classes=CLASSES)
    assert strip.shape == (10, 4, 4, 1)
    with pytest.raises(ValueError, match="conditional"):
        class_grid_images(unconditional_generator(), CLASSES)
    assert interpolation_images(unconditional_generator(), rows=3, steps=4).shape == (12, 8, 8, 1)


def test_slerp_ends_and_norm() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(50), rng.standard_normal(50)
    path = slerp(a, b, np.linspace(0, 1, 7))
    np.testing.assert_allclose(path[0], a, atol=1e-9)
    np.testing.assert_allclose(path[-1], b, atol=1e-9)
    # The spherical path keeps norms between the ends' (a straight line would dip in between).
    norms = np.linalg.norm(path, axis=1)
    assert norms.min() >= min(np.linalg.norm(a), np.linalg.norm(b)) - 1e-9
