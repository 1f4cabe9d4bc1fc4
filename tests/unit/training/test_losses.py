"""Every loss against values computed by hand on small tensors; the registry and the schema
agree."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf

from ganops.config import Loss
from ganops.training import losses
from ganops.training.losses import non_saturating_d_loss, non_saturating_g_loss

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


def test_the_schema_offers_exactly_the_registered_losses() -> None:
    assert [member.value for member in Loss] == list(losses.LOSSES)
    for name, loss in losses.LOSSES.items():
        assert loss.description, name


def test_non_saturating_losses_match_hand_computed_values() -> None:
    real = np.array([[0.0], [2.0]], "float32")
    fake = np.array([[0.0], [-1.0]], "float32")
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    expected_d = np.mean(softplus(-real)) + np.mean(softplus(fake))
    expected_g = np.mean(softplus(-fake))
    assert float(non_saturating_d_loss(real, fake)) == pytest.approx(expected_d, rel=1e-6)
    assert float(non_saturating_g_loss(fake)) == pytest.approx(expected_g, rel=1e-6)
