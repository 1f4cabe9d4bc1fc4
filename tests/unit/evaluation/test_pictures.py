from __future__ import annotations

import numpy as np

from ganops.evaluation.features import pixel_features, to_unit_interval
from ganops.evaluation.pictures import grid_image, save_grid, save_loss_plot


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
