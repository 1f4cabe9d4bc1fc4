"""The optimizers' update rules against hand computation."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganops.training.optimizers import build_optimizer


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
