"""The adversarial losses, by name: ``LOSSES[name]`` -> a ``Loss`` with its two functions and
the properties that other settings depend on.

Each loss is a pair ``d_loss(real_logits, fake_logits)`` and ``g_loss(fake_logits)`` to
minimise, on discriminator logits (or critic scores) of any shape with the batch first, reduced
by a mean over all elements and computed in float32. Constraints on the critic (gradient
penalty, R1, weight clipping) are penalties, a separate setting (``penalties.py``).

TensorFlow is imported inside the functions (they run traced, once per graph), so that the
configuration can check names and properties without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Tensor = Any  # tf.Tensor; not imported here


def _f32(x: Tensor) -> Tensor:
    import tensorflow as tf

    return tf.cast(x, tf.float32)


def non_saturating_d_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """-log D(x) - log(1 - D(G(z))), i.e. BCE with targets 1 (real) and 0 (fake)."""
    import tensorflow as tf

    return tf.reduce_mean(tf.nn.softplus(-_f32(real_logits))) + tf.reduce_mean(
        tf.nn.softplus(_f32(fake_logits))
    )


def non_saturating_g_loss(fake_logits: Tensor) -> Tensor:
    """-log D(G(z)) (Goodfellow et al. 2014's non-saturating generator loss)."""
    import tensorflow as tf

    return tf.reduce_mean(tf.nn.softplus(-_f32(fake_logits)))


def minimax_g_loss(fake_logits: Tensor) -> Tensor:
    """log(1 - D(G(z))), written as -softplus(logit) for numerical stability. D minimises the
    same cross-entropy as with the non-saturating loss."""
    import tensorflow as tf

    return -tf.reduce_mean(tf.nn.softplus(_f32(fake_logits)))


def wasserstein_d_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """E[C(G(z))] - E[C(x)]: the critic raises real scores and lowers fake ones."""
    import tensorflow as tf

    return tf.reduce_mean(_f32(fake_logits)) - tf.reduce_mean(_f32(real_logits))


def wasserstein_g_loss(fake_logits: Tensor) -> Tensor:
    import tensorflow as tf

    return -tf.reduce_mean(_f32(fake_logits))


def hinge_d_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] (Lim & Ye 2017; Miyato et al. 2018)."""
    import tensorflow as tf

    return tf.reduce_mean(tf.nn.relu(1.0 - _f32(real_logits))) + tf.reduce_mean(
        tf.nn.relu(1.0 + _f32(fake_logits))
    )


def least_squares_d_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """LSGAN (Mao et al. 2017), targets 1 for real and 0 for fake: ½E[(D(x)-1)²] + ½E[D(G(z))²]."""
    import tensorflow as tf

    return 0.5 * tf.reduce_mean(tf.square(_f32(real_logits) - 1.0)) + 0.5 * tf.reduce_mean(
        tf.square(_f32(fake_logits))
    )


def least_squares_g_loss(fake_logits: Tensor) -> Tensor:
    """½E[(D(G(z)) - 1)²]."""
    import tensorflow as tf

    return 0.5 * tf.reduce_mean(tf.square(_f32(fake_logits) - 1.0))


@dataclass(frozen=True)
class Loss:
    """An adversarial loss and what the rest of the configuration needs to know about it."""

    d_loss: Callable[[Tensor, Tensor], Tensor]
    g_loss: Callable[[Tensor], Tensor]
    cross_entropy: bool  # a binary target exists (one-sided label smoothing applies)
    description: str
    # Settings that suit it in its paper (the loss comparison benchmark uses them).
    suggested: Mapping[str, Any] = field(default_factory=dict)


# Looked up by name when a trainer is built (tests replace entries to inject faults).
LOSSES: dict[str, Loss] = {
    "non_saturating": Loss(
        non_saturating_d_loss,
        non_saturating_g_loss,
        cross_entropy=True,
        description="Goodfellow et al. 2014, the generator maximises log D(G(z))",
    ),
    "minimax": Loss(
        non_saturating_d_loss,
        minimax_g_loss,
        cross_entropy=True,
        description="the original minimax game (weak gradients early in training)",
    ),
    "wgan": Loss(
        wasserstein_d_loss,
        wasserstein_g_loss,
        cross_entropy=False,
        description="Wasserstein critic; needs train.penalty gp (WGAN-GP) or clip (WGAN)",
        suggested={"d_steps": 5},
    ),
    "hinge": Loss(
        hinge_d_loss,
        wasserstein_g_loss,
        cross_entropy=False,
        description="Lim & Ye 2017, SNGAN's loss",
    ),
    "least_squares": Loss(
        least_squares_d_loss,
        least_squares_g_loss,
        cross_entropy=False,
        description="LSGAN, Mao et al. 2017",
    ),
}
