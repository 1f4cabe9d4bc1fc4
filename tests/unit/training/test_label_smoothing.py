"""One-sided label smoothing against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf

from ganops.training.label_smoothing import one_sided_smoothing, smoothed_cross_entropy_d_loss


def test_one_sided_label_smoothing_hand_computed() -> None:
    # logit ln 3 -> D = 0.75: -ln D = ln(4/3), -ln(1 - D) = ln 4.
    real = np.array([[math.log(3.0)]], "float32")
    fake = np.array([[math.log(3.0)]], "float32")
    epsilon = 0.1
    expected_real = 0.9 * math.log(4 / 3) + 0.1 * math.log(4)
    expected_fake = math.log(4)  # the fake target stays 0: not smoothed
    loss = float(smoothed_cross_entropy_d_loss(real, fake, epsilon))
    assert loss == pytest.approx(expected_real + expected_fake, rel=1e-6)
    assert float(one_sided_smoothing(epsilon)(real, fake)) == pytest.approx(loss)


def test_label_smoothing_zero_is_the_plain_cross_entropy() -> None:
    real = np.array([[0.0], [2.0]], "float32")
    fake = np.array([[0.5], [-1.0]], "float32")
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    plain = np.mean(softplus(-real)) + np.mean(softplus(fake))
    assert float(smoothed_cross_entropy_d_loss(real, fake, 0.0)) == pytest.approx(plain, rel=1e-6)


def test_smoothing_moves_the_optimal_real_output_to_one_minus_epsilon() -> None:
    # The real term is minimised where sigmoid(logit) = 1 - epsilon: its gradient is zero there.
    logit = tf.Variable([[math.log(0.8 / 0.2)]])
    with tf.GradientTape() as tape:
        loss = smoothed_cross_entropy_d_loss(logit, tf.fill([1, 1], -30.0), 0.2)
    assert abs(float(tape.gradient(loss, logit)[0, 0])) < 1e-6
