"""EMA of generator weights (the model that is sampled and saved) and DiffAugment."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganops.training.diffaugment import diff_augment
from ganops.training.ema import GeneratorEMA


def tiny_generator() -> keras.Model:
    z = keras.Input((3,))
    x = keras.layers.BatchNormalization()(keras.layers.Dense(2)(z))
    return keras.Model(z, x)


def test_ema_follows_the_decay_formula_and_copies_statistics() -> None:
    generator = tiny_generator()
    ema = GeneratorEMA(generator, decay=0.5)
    start = [w.numpy().copy() for w in generator.trainable_variables]
    expected = [w.copy() for w in start]
    for n in (1, 2, 3):
        for variable in generator.trainable_variables:
            variable.assign_add(tf.ones_like(variable))
        generator.non_trainable_variables[0].assign(tf.fill([2], float(n)))
        ema.update()
        decay = min(0.5, (1 + n) / (10 + n))  # warm-up cap: 2/11, 3/12, 4/13
        expected = [decay * e + (1 - decay) * (s + n) for e, s in zip(expected, start, strict=True)]
    for got, want in zip(ema.model.trainable_variables, expected, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)
    np.testing.assert_array_equal(ema.model.non_trainable_variables[0].numpy(), [3.0, 3.0])


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
