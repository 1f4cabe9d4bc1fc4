"""``tf.data`` input: uint8 images -> float32 in [-1, 1], shuffled, batched, prefetched."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganops.data.batch_size import check_batch_fits


def to_unit_range(images: np.ndarray | tf.Tensor) -> tf.Tensor:
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def image_dataset(images: np.ndarray, batch_size: int, seed: int) -> tf.data.Dataset:
    """An infinite-free, one-epoch dataset; full batches only, so every step has one shape."""
    check_batch_fits(batch_size, len(images), f"the training set ({len(images)} images)")
    dataset = tf.data.Dataset.from_tensor_slices(images)
    dataset = dataset.shuffle(min(len(images), 60_000), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=True, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.map(to_unit_range, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _to_unit_range_labelled(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    return to_unit_range(images), tf.cast(labels, tf.int32)


class ImageBatches:
    """The trainer's batch source for images: ``source(epoch)`` is that epoch's dataset.

    The order depends only on (seed, epoch), so a resumed epoch sees the same batches as the
    interrupted one. With ``labels``, elements are ``(images, labels)`` for conditional models.
    """

    def __init__(
        self,
        images: np.ndarray,
        batch_size: int,
        seed: int,
        labels: np.ndarray | None = None,
    ) -> None:
        check_batch_fits(batch_size, len(images), f"the training set ({len(images)} images)")
        self.images = images
        self.labels = labels
        self.batch_size = batch_size
        self.seed = seed
        self.steps_per_epoch = len(images) // batch_size

    def __call__(self, epoch: int) -> tf.data.Dataset:
        if self.labels is None:
            return image_dataset(self.images, self.batch_size, seed=self.seed + epoch)
        dataset = tf.data.Dataset.from_tensor_slices((self.images, self.labels))
        dataset = dataset.shuffle(len(self.images), seed=self.seed + epoch)
        dataset = dataset.batch(self.batch_size, drop_remainder=True)
        dataset = dataset.map(_to_unit_range_labelled, num_parallel_calls=tf.data.AUTOTUNE)
        return dataset.prefetch(tf.data.AUTOTUNE)
