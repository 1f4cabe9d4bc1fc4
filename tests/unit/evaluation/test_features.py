"""Pixel features: pooled, and scaled to the unit interval."""

from __future__ import annotations

import numpy as np

from ganops.evaluation.features import pixel_features, to_unit_interval


def test_pixel_features_pool_and_scale() -> None:
    images = np.full((2, 4, 4, 1), 255, np.uint8)
    images[1] = 0
    features = pixel_features(images)
    assert features.shape == (2, 4)
    np.testing.assert_allclose(features, [[1, 1, 1, 1], [0, 0, 0, 0]])
    np.testing.assert_allclose(to_unit_interval(np.array([-1.0, 0.0, 1.0])), [0, 0.5, 1])
