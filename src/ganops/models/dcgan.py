"""The seed's DCGAN, made correct and sized from the data.

The seed's generator asserted 64x64 but produced 16x16, and its discriminator ended in a
sigmoid while the loss used ``from_logits=True``. Here the generator upsamples from a small
square (7x7 for 28 px, 8x8 for 32 and 64 px) to exactly the image size, and the
discriminator returns raw logits in float32 (the loss applies the sigmoid).
"""

from __future__ import annotations

import keras
from keras import layers

from ganops.errors import ConfigError
from ganops.models.features import FEATURE_LAYER
from ganops.models.minibatch import MinibatchDiscrimination, MinibatchStdDev

SUPPORTED_SIZES = (28, 32, 64)


def upsampling_steps(size: int) -> int:
    """Number of stride-2 layers between the first feature map and the image."""
    if size not in SUPPORTED_SIZES:
        raise ConfigError(
            f"image size {size} is not supported by the DCGAN",
            hint=f"allowed sizes: {', '.join(map(str, SUPPORTED_SIZES))}",
        )
    return 2 if size <= 32 else 3


def build_generator(
    latent_dim: int, image_shape: tuple[int, int, int], base_filters: int = 64
) -> keras.Model:
    size, _, channels = image_shape
    steps = upsampling_steps(size)
    start = size // 2**steps
    width = base_filters * 2**steps  # 256 for 28 px with the default base, as the tutorial
    noise = keras.Input((latent_dim,), name="z")
    x = layers.Dense(start * start * width, use_bias=False)(noise)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((start, start, width))(x)
    x = layers.Conv2DTranspose(width // 2, 5, strides=1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    for step in range(steps - 1):
        x = layers.Conv2DTranspose(
            width // 2 ** (step + 2), 5, strides=2, padding="same", use_bias=False
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)
    # The image layer stays float32 under mixed precision: tanh output is compared with data.
    image = layers.Conv2DTranspose(
        channels, 5, strides=2, padding="same", activation="tanh", dtype="float32", name="image"
    )(x)
    return keras.Model(noise, image, name="generator")


def build_discriminator(
    image_shape: tuple[int, int, int], base_filters: int = 64, minibatch: str = "none"
) -> keras.Model:
    """``minibatch``: "none", "stddev" (a std channel on the last feature map) or
    "discrimination" (batch-closeness features after the flattened features)."""
    size = image_shape[0]
    steps = upsampling_steps(size)
    image = keras.Input(image_shape, name="image")
    x = image
    for step in range(steps):
        x = layers.Conv2D(base_filters * 2**step, 5, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Dropout(0.3)(x)
    if minibatch == "stddev":
        x = MinibatchStdDev(name="minibatch_stddev")(x)
    # Named: feature matching reads this layer (see ganops.models.features).
    x = layers.Flatten(name=FEATURE_LAYER)(x)
    if minibatch == "discrimination":
        x = MinibatchDiscrimination(name="minibatch_discrimination")(x)
    # Raw logits (no sigmoid), float32 so the loss is computed in full precision.
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(image, logit, name="discriminator")
