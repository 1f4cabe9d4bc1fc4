"""DiffAugment: every policy keeps the shape, is reproducible per seed and differentiable."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from ganops.training.diffaugment import diff_augment


@pytest.fixture
def images() -> tf.Tensor:
    return tf.constant(np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 3)), tf.float32)


def test_each_policy_keeps_shape_and_is_reproducible(images: tf.Tensor) -> None:
    for policy in ("color", "translation", "cutout"):
        first = diff_augment(images, tf.random.Generator.from_seed(1), [policy])
        again = diff_augment(images, tf.random.Generator.from_seed(1), [policy])
        assert first.shape == images.shape
        np.testing.assert_array_equal(first.numpy(), again.numpy())
        assert not np.allclose(first.numpy(), images.numpy())


def test_cutout_zeroes_a_square_of_half_the_side(images: tf.Tensor) -> None:
    out = diff_augment(images, tf.random.Generator.from_seed(2), ["cutout"]).numpy()
    zeroed = (out == 0).all(axis=-1).sum(axis=(1, 2))
    # A 14x14 square, less where it hangs over the border.
    assert zeroed.max() == 14 * 14 and zeroed.min() > 0


def test_translation_moves_content_without_changing_it(images: tf.Tensor) -> None:
    out = diff_augment(images, tf.random.Generator.from_seed(3), ["translation"]).numpy()
    source = images.numpy()
    for index in range(4):  # every non-zero output pixel is a source pixel shifted as a whole
        found = False
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                shifted = np.roll(source[index], (dy, dx), axis=(0, 1))
                mask = out[index] != 0
                if np.allclose(out[index][mask], shifted[mask]):
                    found = True
        assert found


def test_augmentation_is_differentiable(images: tf.Tensor) -> None:
    with tf.GradientTape() as tape:
        tape.watch(images)
        out = diff_augment(images, tf.random.Generator.from_seed(4), ["color", "translation"])
        total = tf.reduce_sum(out)
    gradient = tape.gradient(total, images)
    assert gradient is not None and float(tf.reduce_sum(tf.abs(gradient))) > 0
