"""Minibatch features for the discriminator: let it see a whole batch, so that a generator
that collapses onto a few outputs (a batch of near-copies) is easy to tell from real data.

- ``MinibatchStdDev`` (Karras et al. 2018): the standard deviation of every feature over the
  batch, averaged into one number and appended as a constant feature map. No weights.
- ``MinibatchDiscrimination`` (Salimans et al. 2016, section 3.2): each sample's features are
  projected to ``kernels`` rows of ``kernel_dim``; per kernel, the sum over the batch of
  exp(-L1 distance) to the other samples is appended to the features. Learned projection.

Both compute in float32 (variances and exponentials of distances lose too much in bfloat16)
and return the input's dtype.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="ganops")
class MinibatchStdDev(layers.Layer):
    """(B, H, W, C) -> (B, H, W, C + 1): the last channel is the batch's mean feature std."""

    def __init__(self, epsilon: float = 1e-8, **kwargs) -> None:
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, inputs: Any) -> Any:
        x = ops.cast(inputs, "float32")
        variance = ops.mean(ops.square(x - ops.mean(x, axis=0, keepdims=True)), axis=0)
        std = ops.mean(ops.sqrt(variance + self.epsilon))
        shape = ops.shape(x)
        channel = ops.ones((shape[0], shape[1], shape[2], 1), "float32") * std
        return ops.cast(ops.concatenate([x, channel], axis=-1), inputs.dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        *rest, channels = input_shape
        return (*rest, None if channels is None else channels + 1)

    def get_config(self) -> dict:
        return super().get_config() | {"epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="ganops")
class MinibatchDiscrimination(layers.Layer):
    """(B, A) -> (B, A + kernels): o(x_i)_b = sum_j exp(-||M_i,b - M_j,b||_1), M = x T.

    The sum includes j = i (a constant 1 per kernel), as the paper's formula does.
    """

    def __init__(self, kernels: int = 50, kernel_dim: int = 5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kernels = kernels
        self.kernel_dim = kernel_dim

    def build(self, input_shape: tuple) -> None:
        self.projection = self.add_weight(
            shape=(input_shape[-1], self.kernels * self.kernel_dim),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
            dtype="float32",
            name="projection",
        )

    def call(self, inputs: Any) -> Any:
        x = ops.cast(inputs, "float32")
        m = ops.reshape(
            ops.matmul(x, ops.cast(self.projection, "float32")), (-1, self.kernels, self.kernel_dim)
        )
        distances = ops.sum(ops.abs(m[:, None, :, :] - m[None, :, :, :]), axis=-1)  # (B, B, K)
        closeness = ops.sum(ops.exp(-distances), axis=1)  # (B, K)
        return ops.cast(ops.concatenate([x, closeness], axis=-1), inputs.dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        *rest, features = input_shape
        return (*rest, None if features is None else features + self.kernels)

    def get_config(self) -> dict:
        return super().get_config() | {"kernels": self.kernels, "kernel_dim": self.kernel_dim}
