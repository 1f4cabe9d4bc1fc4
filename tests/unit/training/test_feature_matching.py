"""Feature matching against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from ganops.training.feature_matching import feature_matching_loss


def test_feature_matching_hand_computed() -> None:
    real = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")  # mean (2, 3)
    fake = np.array([[0.0, 0.0], [2.0, 0.0]], "float32")  # mean (1, 0)
    # ((2 - 1)^2 + (3 - 0)^2) / 2 dimensions = 5
    assert float(feature_matching_loss(real, fake)) == pytest.approx(5.0)
    assert float(feature_matching_loss(real, real[::-1])) == 0.0  # same mean, any order


def test_feature_matching_flattens_feature_maps_and_gives_no_gradient_to_real() -> None:
    real = tf.Variable(np.ones((2, 2, 2, 1), "float32"))
    fake = tf.Variable(np.zeros((2, 2, 2, 1), "float32"))
    with tf.GradientTape(persistent=True) as tape:
        loss = feature_matching_loss(real, fake)
    assert float(loss) == pytest.approx(1.0)
    assert tape.gradient(loss, real) is None
    # d/dfake of mean_d (1 - mean_b fake)^2 = -2 (1 - 0) / (4 dims * 2 samples) each
    np.testing.assert_allclose(tape.gradient(loss, fake).numpy(), -0.25)
