"""``tf.data`` input: uint8 images -> float32 in [-1, 1], shuffled, batched, prefetched."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganops.errors import ConfigError


def to_unit_range(images: np.ndarray | tf.Tensor) -> tf.Tensor:
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def image_dataset(images: np.ndarray, batch_size: int, seed: int) -> tf.data.Dataset:
    """An infinite-free, one-epoch dataset; full batches only, so every step has one shape."""
    if batch_size > len(images):
        raise ConfigError(
            f"train.batch_size ({batch_size}) is larger than the training set ({len(images)})"
        )
    dataset = tf.data.Dataset.from_tensor_slices(images)
    dataset = dataset.shuffle(min(len(images), 60_000), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=True, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.map(to_unit_range, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
