"""One-sided label smoothing (Salimans et al. 2016, section 3.4) for cross-entropy losses
(those with ``cross_entropy`` in ``training.losses.LOSSES``; the configuration checks it).

The discriminator's real target becomes 1 - epsilon while the fake target stays 0. Smoothing
the fake side too would reward the generator for staying where the data is absent, which is
why the paper smooths only the real side.
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

DLoss = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]


def smoothed_cross_entropy_d_loss(
    real_logits: tf.Tensor, fake_logits: tf.Tensor, epsilon: float
) -> tf.Tensor:
    """BCE with real target 1 - epsilon and fake target 0, from logits, in float32.

    BCE(t, x) = t * softplus(-x) + (1 - t) * softplus(x); epsilon = 0 is the plain loss.
    """
    real = tf.cast(real_logits, tf.float32)
    fake = tf.cast(fake_logits, tf.float32)
    real_term = (1.0 - epsilon) * tf.nn.softplus(-real) + epsilon * tf.nn.softplus(real)
    return tf.reduce_mean(real_term) + tf.reduce_mean(tf.nn.softplus(fake))


def one_sided_smoothing(epsilon: float) -> DLoss:
    """A discriminator loss ``(real_logits, fake_logits) -> loss`` with the real side smoothed."""

    def d_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
        return smoothed_cross_entropy_d_loss(real_logits, fake_logits, epsilon)

    return d_loss
