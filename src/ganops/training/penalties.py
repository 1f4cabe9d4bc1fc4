"""Constraints on the discriminator, by name (``train.penalty``): ``PENALTIES[name]``.

- ``none``: nothing.
- ``gp``: WGAN-GP (Gulrajani et al. 2017), λ·E[(‖∇C(x̂)‖₂ - 1)²] at x̂ = x + ε(G(z) - x),
  ε uniform in [0, 1] per example (not normal: a known bug elsewhere); λ = ``train.gp_weight``.
- ``r1``: R1 (Mescheder et al. 2018), γ/2·E[‖∇D(x)‖²] on real data; γ = ``train.r1_gamma``.
- ``clip``: the original WGAN's weight clipping to ±``train.clip_value`` after each step.

Gradients are reduced over every non-batch axis, so a (B, H, W, C) image and a (B, L, V)
one-hot sequence are treated alike. ``critic`` is a callable from inputs to logits (the
trainer binds labels for a conditional discriminator). The trainer calls the same three
hooks whatever the penalty: ``draw`` (randomness, drawn once per global batch), ``term``
(added to the discriminator's loss) and ``after_update`` (after the optimizers).
TensorFlow is imported inside the methods, so the configuration can check names without it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Tensor = Any  # tf.Tensor; not imported here
Critic = Callable[[Tensor], Tensor]


def _squared_norms(gradients: Tensor) -> Tensor:
    """Per-example squared L2 norm over all non-batch axes, float32."""
    import tensorflow as tf

    gradients = tf.cast(gradients, tf.float32)
    flat = tf.reshape(gradients, (tf.shape(gradients)[0], -1))
    return tf.reduce_sum(tf.square(flat), axis=1)


def _input_gradients(critic: Critic, inputs: Tensor) -> Tensor:
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(inputs)
        # Summing is safe: each example's logit depends only on its own input.
        total = tf.reduce_sum(tf.cast(critic(inputs), tf.float32))
    return tape.gradient(total, inputs)


def interpolation_weights(noise: Any, like: Tensor) -> Tensor:
    """One weight per example, uniform in [0, 1], shaped (B, 1, ..., 1) so it broadcasts over
    every non-batch axis of ``like``."""
    import tensorflow as tf

    shape = tf.concat([tf.shape(like)[:1], tf.ones([tf.rank(like) - 1], tf.int32)], axis=0)
    return noise.uniform(shape, 0.0, 1.0, dtype=tf.float32)


def gradient_penalty(critic: Critic, real: Tensor, fake: Tensor, weights: Tensor) -> Tensor:
    """E[(‖∇C(x̂)‖₂ - 1)²] at x̂ = x + ε(G(z) - x); multiply by λ outside."""
    import tensorflow as tf

    real = tf.cast(real, tf.float32)
    fake = tf.cast(fake, tf.float32)
    mixed = real + weights * (fake - real)
    norms = tf.sqrt(_squared_norms(_input_gradients(critic, mixed)) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


def r1_penalty(critic: Critic, real: Tensor) -> Tensor:
    """E[‖∇D(x)‖²] on real data; multiply by γ/2 outside."""
    import tensorflow as tf

    return tf.reduce_mean(_squared_norms(_input_gradients(critic, tf.cast(real, tf.float32))))


@dataclass(frozen=True)
class Penalty:
    """No constraint; the base of the others."""

    description: str = "no constraint on the discriminator"
    # Settings that suit it in its paper (the loss comparison benchmark uses them).
    suggested: Mapping[str, Any] = field(default_factory=dict)

    def draw(self, noise: Any, real: Tensor) -> Tensor | None:
        return None

    def term(
        self, config: Any, critic: Critic, real: Tensor, seen: Tensor, fake: Tensor, drawn: Any
    ) -> Tensor:
        """Added to the discriminator's loss; ``seen`` is the real batch as D saw it
        (augmented), ``drawn`` this replica's rows of ``draw``'s result."""
        return 0.0

    def after_update(self, config: Any, discriminator: Any) -> None:
        """Runs once per step after the optimizers (cross-replica, on mirrored variables)."""
        return  # a statement, not only a docstring: AutoGraph cannot convert an empty body


@dataclass(frozen=True)
class GradientPenalty(Penalty):
    def draw(self, noise: Any, real: Tensor) -> Tensor | None:
        return interpolation_weights(noise, real)

    def term(
        self, config: Any, critic: Critic, real: Tensor, seen: Tensor, fake: Tensor, drawn: Any
    ) -> Tensor:
        return config.gp_weight * gradient_penalty(critic, real, fake, drawn)


@dataclass(frozen=True)
class R1Penalty(Penalty):
    def term(
        self, config: Any, critic: Critic, real: Tensor, seen: Tensor, fake: Tensor, drawn: Any
    ) -> Tensor:
        return 0.5 * config.r1_gamma * r1_penalty(critic, seen)


@dataclass(frozen=True)
class WeightClipping(Penalty):
    def after_update(self, config: Any, discriminator: Any) -> None:
        import tensorflow as tf

        for variable in discriminator.trainable_variables:
            variable.assign(tf.clip_by_value(variable, -config.clip_value, config.clip_value))


PENALTIES: dict[str, Penalty] = {
    "none": Penalty(),
    "gp": GradientPenalty(
        "WGAN-GP gradient penalty, weight train.gp_weight",
        suggested={
            "d_steps": 5,
            "beta_1": 0.0,
            "beta_2": 0.9,
            "g_learning_rate": 1e-4,
            "d_learning_rate": 1e-4,
        },
    ),
    "r1": R1Penalty("R1 gradient penalty on real data, weight train.r1_gamma"),
    "clip": WeightClipping(
        "WGAN weight clipping to ±train.clip_value",
        suggested={
            "d_steps": 5,
            "optimizer": "rmsprop",
            "g_learning_rate": 5e-5,
            "d_learning_rate": 5e-5,
        },
    ),
}
