"""Optimizers by name, one per network, so G and D can differ in step size (TTUR)."""

from __future__ import annotations

import keras


def build_optimizer(
    name: str, learning_rate: float, beta_1: float, beta_2: float, loss_scaling: bool
) -> keras.optimizers.Optimizer:
    """``sgd`` is plain gradient descent θ ← θ - α∇L (no momentum); ``adam`` uses the given betas.

    With float16 compute the loss is scaled so small gradients do not underflow to zero.
    """
    if name == "sgd":
        optimizer = keras.optimizers.SGD(learning_rate, momentum=0.0)
    elif name == "adam":
        optimizer = keras.optimizers.Adam(learning_rate, beta_1=beta_1, beta_2=beta_2)
    elif name == "rmsprop":  # the WGAN paper's choice with weight clipping
        optimizer = keras.optimizers.RMSprop(learning_rate)
    else:
        raise ValueError(f"unknown optimizer {name!r}")
    if loss_scaling:
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer
