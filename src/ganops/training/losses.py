"""Adversarial losses on discriminator logits, computed in float32."""

from __future__ import annotations

import tensorflow as tf


def _softplus(x: tf.Tensor) -> tf.Tensor:
    return tf.nn.softplus(tf.cast(x, tf.float32))


def non_saturating_d_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """-log D(x) - log(1 - D(G(z))), i.e. BCE with targets 1 (real) and 0 (fake)."""
    return tf.reduce_mean(_softplus(-real_logits)) + tf.reduce_mean(_softplus(fake_logits))


def non_saturating_g_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """-log D(G(z)) (Goodfellow et al. 2014's non-saturating generator loss)."""
    return tf.reduce_mean(_softplus(-fake_logits))


LOSSES = {
    "non_saturating": (non_saturating_d_loss, non_saturating_g_loss),
}
