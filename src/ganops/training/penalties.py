"""Gradient penalties on the critic, for real inputs of any rank (images, one-hot text, ...).

Both reduce the input gradient over every non-batch axis, so a (B, H, W, C) image and a
(B, L, V) one-hot sequence are treated alike. ``critic`` is a callable from inputs to logits
(the trainer binds labels for a conditional discriminator).
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

Critic = Callable[[tf.Tensor], tf.Tensor]


def _squared_norms(gradients: tf.Tensor) -> tf.Tensor:
    """Per-example squared L2 norm over all non-batch axes, float32."""
    gradients = tf.cast(gradients, tf.float32)
    flat = tf.reshape(gradients, (tf.shape(gradients)[0], -1))
    return tf.reduce_sum(tf.square(flat), axis=1)


def _input_gradients(critic: Critic, inputs: tf.Tensor) -> tf.Tensor:
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        # Summing is safe: each example's logit depends only on its own input.
        total = tf.reduce_sum(tf.cast(critic(inputs), tf.float32))
    return tape.gradient(total, inputs)


def interpolation_weights(noise: tf.random.Generator, like: tf.Tensor) -> tf.Tensor:
    """One weight per example, uniform in [0, 1] (not normal: a known bug elsewhere), shaped
    (B, 1, ..., 1) so it broadcasts over every non-batch axis of ``like``."""
    shape = tf.concat([tf.shape(like)[:1], tf.ones([tf.rank(like) - 1], tf.int32)], axis=0)
    return noise.uniform(shape, 0.0, 1.0, dtype=tf.float32)


def gradient_penalty(
    critic: Critic, real: tf.Tensor, fake: tf.Tensor, weights: tf.Tensor
) -> tf.Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E[(||∇C(x̂)||₂ - 1)²] at x̂ = x + ε(G(z) - x).

    Multiply by λ outside. ``weights`` comes from ``interpolation_weights``.
    """
    real = tf.cast(real, tf.float32)
    fake = tf.cast(fake, tf.float32)
    mixed = real + weights * (fake - real)
    norms = tf.sqrt(_squared_norms(_input_gradients(critic, mixed)) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


def r1_penalty(critic: Critic, real: tf.Tensor) -> tf.Tensor:
    """R1 (Mescheder et al. 2018): E[||∇D(x)||²] on real data. Multiply by γ/2 outside."""
    return tf.reduce_mean(_squared_norms(_input_gradients(critic, tf.cast(real, tf.float32))))
