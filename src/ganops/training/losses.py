"""Adversarial losses on discriminator logits (or critic scores), computed in float32.

Each loss is a pair ``(d_loss(real_logits, fake_logits), g_loss(fake_logits))`` to minimise.
Logits may have any shape with the batch first; every loss is a mean over all elements, so a
critic that scores each example once ((B, 1)) and one that scores patches both work. The
penalties that need the critic's gradient (WGAN-GP, R1) are in ``penalties.py``; weight clipping
for WGAN is applied by the trainer after the critic's update.
"""

from __future__ import annotations

import tensorflow as tf


def _f32(x: tf.Tensor) -> tf.Tensor:
    return tf.cast(x, tf.float32)


def non_saturating_d_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """-log D(x) - log(1 - D(G(z))), i.e. BCE with targets 1 (real) and 0 (fake)."""
    return tf.reduce_mean(tf.nn.softplus(-_f32(real_logits))) + tf.reduce_mean(
        tf.nn.softplus(_f32(fake_logits))
    )


def non_saturating_g_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """-log D(G(z)) (Goodfellow et al. 2014's non-saturating generator loss)."""
    return tf.reduce_mean(tf.nn.softplus(-_f32(fake_logits)))


# Minimax: D maximises log D(x) + log(1 - D(G(z))), so it minimises the same BCE as above; G
# minimises log(1 - D(G(z))) = -softplus(logit). (The seed had both signs the wrong way round.)
minimax_d_loss = non_saturating_d_loss


def minimax_g_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """log(1 - D(G(z))), written as -softplus(logit) for numerical stability."""
    return -tf.reduce_mean(tf.nn.softplus(_f32(fake_logits)))


def wasserstein_d_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """E[C(G(z))] - E[C(x)]: the critic raises real scores and lowers fake ones."""
    return tf.reduce_mean(_f32(fake_logits)) - tf.reduce_mean(_f32(real_logits))


def wasserstein_g_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    return -tf.reduce_mean(_f32(fake_logits))


def hinge_d_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] (Lim & Ye 2017; Miyato et al. 2018)."""
    return tf.reduce_mean(tf.nn.relu(1.0 - _f32(real_logits))) + tf.reduce_mean(
        tf.nn.relu(1.0 + _f32(fake_logits))
    )


hinge_g_loss = wasserstein_g_loss


def least_squares_d_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """LSGAN (Mao et al. 2017), targets 1 for real and 0 for fake: ½E[(D(x)-1)²] + ½E[D(G(z))²]."""
    return 0.5 * tf.reduce_mean(tf.square(_f32(real_logits) - 1.0)) + 0.5 * tf.reduce_mean(
        tf.square(_f32(fake_logits))
    )


def least_squares_g_loss(fake_logits: tf.Tensor) -> tf.Tensor:
    """½E[(D(G(z)) - 1)²]."""
    return 0.5 * tf.reduce_mean(tf.square(_f32(fake_logits) - 1.0))


# Looked up by name when a trainer is built (tests replace entries to inject faults).
LOSSES = {
    "non_saturating": (non_saturating_d_loss, non_saturating_g_loss),
    "minimax": (minimax_d_loss, minimax_g_loss),
    "wgan": (wasserstein_d_loss, wasserstein_g_loss),
    "wgan_gp": (wasserstein_d_loss, wasserstein_g_loss),
    "hinge": (hinge_d_loss, hinge_g_loss),
    "least_squares": (least_squares_d_loss, least_squares_g_loss),
}
