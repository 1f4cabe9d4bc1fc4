"""Historical averaging (Salimans et al. 2016, section 3.3) as a penalty on a player's cost.

Each player adds weight * sum_i ||theta_i - mean of theta_i over past steps||^2, which damps
the oscillations of gradient descent around an equilibrium. The running means live in
variables of this module, so a ``tf.train.Checkpoint`` that tracks it resumes them exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf


class HistoricalAverage(tf.Module):
    """Running means of ``variables`` (starting at their current values, count 1)."""

    def __init__(self, variables: Sequence[tf.Variable], name: str | None = None) -> None:
        super().__init__(name=name)
        self.tracked = list(variables)
        # float32 copies: under mixed precision the variables are float32 already, and a
        # bfloat16 running mean would stop moving after a few hundred steps.
        self.means = [
            tf.Variable(tf.cast(v, tf.float32), trainable=False, name="historical_mean")
            for v in self.tracked
        ]
        self.count = tf.Variable(1.0, trainable=False, dtype=tf.float32, name="count")

    def penalty(self) -> tf.Tensor:
        """sum over all parameters of (theta - running mean)^2."""
        terms = [
            tf.reduce_sum(tf.square(tf.cast(v, tf.float32) - mean))
            for v, mean in zip(self.tracked, self.means, strict=True)
        ]
        return tf.add_n(terms) if terms else tf.constant(0.0)

    def update(self) -> None:
        """Fold the current values into the means: mean += (theta - mean) / (t + 1)."""
        rate = 1.0 / (self.count + 1.0)
        for v, mean in zip(self.tracked, self.means, strict=True):
            mean.assign_add((tf.cast(v, tf.float32) - mean) * rate)
        self.count.assign_add(1.0)
