"""Every loss and penalty against values computed by hand on small tensors, and the
optimizers' update rules."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganops.training import losses
from ganops.training.optimizers import build_optimizer
from ganops.training.penalties import gradient_penalty, interpolation_weights, r1_penalty

REAL = np.array([[0.0], [2.0]], "float32")
FAKE = np.array([[0.0], [-1.0]], "float32")


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


# Hand-computed for REAL = (0, 2), FAKE = (0, -1).
EXPECTED = {
    # D: mean(softplus(-r)) + mean(softplus(f)); G (non-saturating): mean(softplus(-f))
    "non_saturating": (
        (softplus(0) + softplus(-2)) / 2 + (softplus(0) + softplus(-1)) / 2,
        (softplus(0) + softplus(1)) / 2,
    ),
    # G (minimax): mean(log(1 - sigmoid(f))) = -mean(softplus(f))
    "minimax": (
        (softplus(0) + softplus(-2)) / 2 + (softplus(0) + softplus(-1)) / 2,
        -(softplus(0) + softplus(-1)) / 2,
    ),
    # D: mean(f) - mean(r) = -0.5 - 1; G: -mean(f) = 0.5
    "wgan": (-1.5, 0.5),
    # D: mean(relu(1 - r)) + mean(relu(1 + f)) = (1 + 0)/2 + (1 + 0)/2; G: -mean(f)
    "hinge": (1.0, 0.5),
    # D: ½mean((r-1)²) + ½mean(f²) = ½(1+1)/2 + ½(0+1)/2; G: ½mean((f-1)²) = ½(1+4)/2
    "least_squares": (0.75, 1.25),
}


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_loss_matches_hand_computed_value(name: str) -> None:
    loss = losses.LOSSES[name]
    d_loss_fn, g_loss_fn = loss.d_loss, loss.g_loss
    expected_d, expected_g = EXPECTED[name]
    assert float(d_loss_fn(REAL, FAKE)) == pytest.approx(expected_d, rel=1e-6)
    assert float(g_loss_fn(FAKE)) == pytest.approx(expected_g, rel=1e-6)


def test_minimax_generator_descends_toward_fooling_d() -> None:
    """The corrected sign: lowering G's minimax loss raises D's logit on fakes."""
    logit = tf.Variable([[0.0]])
    with tf.GradientTape() as tape:
        loss = losses.minimax_g_loss(logit)
    assert float(tape.gradient(loss, logit)[0, 0]) < 0  # a descent step increases the logit


def test_losses_are_float32_for_bfloat16_logits() -> None:
    loss = losses.LOSSES["non_saturating"]
    d_loss_fn, g_loss_fn = loss.d_loss, loss.g_loss
    logits = tf.constant(REAL, tf.bfloat16)
    assert d_loss_fn(logits, logits).dtype == tf.float32
    assert g_loss_fn(logits).dtype == tf.float32


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


def test_sgd_is_the_plain_gradient_step() -> None:
    variable = keras.Variable(np.array([1.0, -2.0], "float32"))
    optimizer = build_optimizer("sgd", 0.1, 0.5, 0.999, loss_scaling=False)
    gradient = np.array([0.5, -1.0], "float32")
    optimizer.apply_gradients([(tf.constant(gradient), variable)])
    np.testing.assert_allclose(variable.numpy(), [1.0 - 0.05, -2.0 + 0.1], rtol=1e-6)


def test_adam_uses_the_configured_betas() -> None:
    variable = keras.Variable(np.array([1.0], "float32"))
    optimizer = build_optimizer("adam", 0.1, 0.0, 0.5, loss_scaling=False)
    for gradient in (2.0, 1.0):
        optimizer.apply_gradients([(tf.constant([gradient]), variable)])
    # By hand, β1 = 0, β2 = 0.5: step 1: m̂ = 2, v = ½·4 = 2, v̂ = 2 / ½ = 4 -> moves by α.
    # Step 2: m̂ = 1, v = ½·2 + ½·1 = 1.5, v̂ = 1.5 / (1 - ¼) = 2 -> moves by α / √2.
    expected = 1.0 - 0.1 - 0.1 / math.sqrt(2.0)
    assert float(variable.numpy()[0]) == pytest.approx(expected, rel=1e-4)
