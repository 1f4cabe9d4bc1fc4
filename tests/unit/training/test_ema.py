"""EMA of generator weights (the model that is sampled and saved)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

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
