"""DiffAugment (Zhao et al. 2020) for image batches (B, H, W, C) in [-1, 1].

The same differentiable augmentation is applied to real and fake images before D sees them,
so D cannot overfit a small dataset and G still gets gradients through it. Randomness comes
from the trainer's ``tf.random.Generator``, which is checkpointed: a resumed run augments
exactly as the uninterrupted one. Follows mit-han-lab/data-efficient-gans' DiffAugment_tf.
"""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf

from ganops.config import DiffAugmentPolicy


def _per_example(noise: tf.random.Generator, x: tf.Tensor, low: float, high: float) -> tf.Tensor:
    return noise.uniform([tf.shape(x)[0], 1, 1, 1], low, high, dtype=x.dtype)


def color(x: tf.Tensor, noise: tf.random.Generator) -> tf.Tensor:
    """Random brightness, saturation and contrast per image."""
    x = x + _per_example(noise, x, -0.5, 0.5) * 2.0  # brightness on the [-1, 1] scale
    mean = tf.reduce_mean(x, axis=3, keepdims=True)
    x = (x - mean) * _per_example(noise, x, 0.0, 2.0) + mean  # saturation (no-op for gray)
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    return (x - mean) * _per_example(noise, x, 0.5, 1.5) + mean  # contrast


def translation(x: tf.Tensor, noise: tf.random.Generator, ratio: float = 0.125) -> tf.Tensor:
    """Shift each image by up to ``ratio`` of its size, filling with zeros (mid-gray)."""
    batch, height, width = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
    shift_h = tf.cast(tf.cast(height, tf.float32) * ratio + 0.5, tf.int32)
    shift_w = tf.cast(tf.cast(width, tf.float32) * ratio + 0.5, tf.int32)
    dy = noise.uniform([batch, 1, 1], -shift_h, shift_h + 1, dtype=tf.int32)
    dx = noise.uniform([batch, 1, 1], -shift_w, shift_w + 1, dtype=tf.int32)
    rows = tf.range(height)[None, :, None] - dy  # source row of each output pixel
    cols = tf.range(width)[None, None, :] - dx
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    rows = tf.clip_by_value(rows, 0, height - 1)
    cols = tf.clip_by_value(cols, 0, width - 1)
    rows, cols = (
        tf.broadcast_to(rows, [batch, height, width]),
        tf.broadcast_to(cols, [batch, height, width]),
    )
    shifted = tf.gather_nd(x, tf.stack([rows, cols], axis=-1), batch_dims=1)
    return shifted * tf.cast(inside, x.dtype)[..., None]


def cutout(x: tf.Tensor, noise: tf.random.Generator, ratio: float = 0.5) -> tf.Tensor:
    """Zero a square of ``ratio`` times the image size at a random place per image."""
    batch, height, width = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
    size_h = tf.cast(tf.cast(height, tf.float32) * ratio + 0.5, tf.int32)
    size_w = tf.cast(tf.cast(width, tf.float32) * ratio + 0.5, tf.int32)
    cy = noise.uniform([batch, 1, 1], 0, height + (1 - size_h % 2), dtype=tf.int32)
    cx = noise.uniform([batch, 1, 1], 0, width + (1 - size_w % 2), dtype=tf.int32)
    rows = tf.range(height)[None, :, None]
    cols = tf.range(width)[None, None, :]
    top, left = cy - size_h // 2, cx - size_w // 2  # the square may hang over the border
    inside = (rows >= top) & (rows < top + size_h) & (cols >= left) & (cols < left + size_w)
    return x * tf.cast(~inside, x.dtype)[..., None]


# Keyed by the setting's names (``train.diffaugment``), which the configuration owns.
AUGMENTS = {
    DiffAugmentPolicy.color: color,
    DiffAugmentPolicy.translation: translation,
    DiffAugmentPolicy.cutout: cutout,
}


def diff_augment(x: tf.Tensor, noise: tf.random.Generator, policies: Sequence[str]) -> tf.Tensor:
    for policy in policies:
        x = AUGMENTS[policy](x, noise)
    return x
