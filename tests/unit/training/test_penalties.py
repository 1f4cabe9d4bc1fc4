"""Every penalty against values computed by hand; the registry and the schema agree."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from ganops.config import Penalty, TrainConfig
from ganops.training.penalties import (
    PENALTIES,
    gradient_penalty,
    interpolation_weights,
    r1_penalty,
)


def linear_critic(weights: np.ndarray):
    w = tf.constant(weights)
    return lambda x: tf.reduce_sum(x * w, axis=list(range(1, len(weights.shape) + 1)))[:, None]


def test_gradient_penalty_of_a_linear_critic_on_rank3_inputs() -> None:
    # C(x) = <w, x> has gradient w everywhere: GP = (||w|| - 1)² whatever the mix.
    w = np.array([[3.0, 0.0], [0.0, 4.0], [0.0, 0.0]], "float32")  # ||w|| = 5
    real = np.zeros((2, 3, 2), "float32")
    fake = np.ones((2, 3, 2), "float32")
    weights = tf.constant([0.3, 0.9], shape=(2, 1, 1))
    value = gradient_penalty(linear_critic(w), real, fake, weights)
    assert float(value) == pytest.approx(16.0, rel=1e-5)


def test_gradient_penalty_uses_the_weight_per_example() -> None:
    # C(x) = ½Σx² has gradient x̂ = ε·fake (real = 0): norms 2ε·... by hand for ε = 0.25, 1.
    critic = lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=[1, 2])[:, None]  # noqa: E731
    fake = np.full((2, 2, 2), 0.5, "float32")  # ||fake|| = 1 per example
    weights = tf.constant([0.25, 1.0], shape=(2, 1, 1))
    expected = ((0.25 - 1.0) ** 2 + (1.0 - 1.0) ** 2) / 2
    value = gradient_penalty(critic, np.zeros_like(fake), fake, weights)
    assert float(value) == pytest.approx(expected, rel=1e-5)


def test_interpolation_weights_are_uniform_per_example_and_broadcast() -> None:
    noise = tf.random.Generator.from_seed(0)
    weights = interpolation_weights(noise, tf.zeros((4000, 5, 3)))
    assert weights.shape == (4000, 1, 1)
    values = weights.numpy().ravel()
    assert values.min() >= 0.0 and values.max() <= 1.0
    assert values.mean() == pytest.approx(0.5, abs=0.03)  # uniform, not normal (mean 0)
    assert np.mean(values < 0.25) == pytest.approx(0.25, abs=0.03)


def test_r1_penalty_of_a_linear_critic_is_the_squared_weight_norm() -> None:
    w = np.array([[[1.0], [2.0]], [[0.0], [2.0]]], "float32")  # rank-4 image input, ||w||² = 9
    real = np.random.default_rng(0).standard_normal((3, 2, 2, 1)).astype("float32")
    assert float(r1_penalty(linear_critic(w), real)) == pytest.approx(9.0, rel=1e-5)


def test_the_schema_offers_exactly_the_registered_penalties() -> None:
    assert [member.value for member in Penalty] == list(PENALTIES)


def test_clipping_bounds_the_discriminator_weights_after_an_update() -> None:
    import keras

    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    critic.set_weights([np.full((3, 2), 0.5, "float32"), np.full((2,), -0.5, "float32")])
    config = TrainConfig(loss="wgan", penalty="clip", clip_value=0.01)
    PENALTIES["clip"].after_update(config, critic)
    weights = np.concatenate([w.ravel() for w in critic.get_weights()])
    assert weights.max() == pytest.approx(0.01) and weights.min() == pytest.approx(-0.01)


def test_each_penalty_adds_its_weighted_term_and_nothing_when_none() -> None:
    w = np.array([[3.0], [4.0]], "float32")  # ||w|| = 5
    critic = linear_critic(w)
    real, fake = np.zeros((2, 2, 1), "float32"), np.ones((2, 2, 1), "float32")
    drawn = tf.constant([0.5, 0.5], shape=(2, 1, 1))
    config = TrainConfig(gp_weight=2.0, r1_gamma=4.0)
    assert PENALTIES["none"].term(config, critic, real, real, fake, None) == 0.0
    gp = PENALTIES["gp"].term(config, critic, real, real, fake, drawn)
    assert float(gp) == pytest.approx(2.0 * 16.0, rel=1e-5)  # λ (||w|| - 1)²
    r1 = PENALTIES["r1"].term(config, critic, real, real, fake, None)
    assert float(r1) == pytest.approx(0.5 * 4.0 * 25.0, rel=1e-5)  # γ/2 ||w||²
