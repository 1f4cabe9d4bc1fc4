"""Exponential moving average of the generator's weights (sampling, evaluation, registry).

The average lives in a clone of the generator, so it is a complete model that can be sampled
and saved as is. Trainable weights are averaged; the rest (BatchNorm statistics) are copied,
since averaging statistics of older weights describes no network. Early on the decay is capped
at (1 + n) / (10 + n), as in TensorFlow's ExponentialMovingAverage, so short runs are not
dominated by the random initial weights.
"""

from __future__ import annotations

import keras
import tensorflow as tf


class GeneratorEMA:
    def __init__(self, generator: keras.Model, decay: float) -> None:
        self.decay = decay
        self.model = keras.models.clone_model(generator)
        self.model.set_weights(generator.get_weights())
        self.updates = tf.Variable(0, dtype=tf.int64, trainable=False, name="ema_updates")
        self._source = generator

    def update(self) -> None:
        """Call inside the train step, after the generator's update."""
        n = tf.cast(self.updates.assign_add(1), tf.float32)
        decay = tf.minimum(self.decay, (1.0 + n) / (10.0 + n))
        for average, weight in zip(
            self.model.trainable_variables, self._source.trainable_variables, strict=True
        ):
            average.assign(decay * average + (1.0 - decay) * tf.cast(weight, average.dtype))
        for copy, weight in zip(
            self.model.non_trainable_variables, self._source.non_trainable_variables, strict=True
        ):
            copy.assign(weight)
