"""The DCGAN (Radford et al. 2015, in the TensorFlow tutorial's layout), sized from the data.

The generator upsamples from a small square (7x7 for 28 px, 8x8 for 32 and 64 px,
``models.shapes``) to exactly the image size; the discriminator returns raw logits in float32
(the loss applies the sigmoid).
"""

from __future__ import annotations

import keras
from keras import layers

from ganops.config import MinibatchFeatures, TrainConfig
from ganops.models.conditional import generator_inputs, label_input, projection_logit
from ganops.models.features import FEATURE_LAYER
from ganops.models.minibatch import MinibatchDiscrimination, MinibatchStdDev
from ganops.models.normalization import batch_norm
from ganops.models.shapes import upsampling_steps


def build_generator(
    latent_dim: int,
    image_shape: tuple[int, int, int],
    width: int = 256,
    n_classes: int = 0,
    kernel: int = 5,
) -> keras.Model:
    """``width``: channels of the first feature map (the tutorial's 256), halved at each
    layer; ``n_classes`` > 0: a second input ``label`` whose embedding is concatenated to z."""
    size, _, channels = image_shape
    steps = upsampling_steps(size)
    start = size // 2**steps
    inputs, x = generator_inputs(latent_dim, n_classes)
    x = layers.Dense(start * start * width, use_bias=False)(x)
    x = batch_norm()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((start, start, width))(x)
    x = layers.Conv2DTranspose(width // 2, kernel, strides=1, padding="same", use_bias=False)(x)
    x = batch_norm()(x)
    x = layers.LeakyReLU(0.2)(x)
    for step in range(steps - 1):
        x = layers.Conv2DTranspose(
            width // 2 ** (step + 2), kernel, strides=2, padding="same", use_bias=False
        )(x)
        x = batch_norm()(x)
        x = layers.LeakyReLU(0.2)(x)
    # The image layer stays float32 under mixed precision: tanh output is compared with data.
    image = layers.Conv2DTranspose(
        channels,
        kernel,
        strides=2,
        padding="same",
        activation="tanh",
        dtype="float32",
        name="image",
    )(x)
    return keras.Model(inputs if n_classes else inputs[0], image, name="generator")


def build_discriminator(
    image_shape: tuple[int, int, int],
    width: int = 64,
    n_classes: int = 0,
    minibatch: str = MinibatchFeatures.none,
    kernel: int = 5,
    dropout: float = 0.3,
) -> keras.Model:
    """``width``: channels of the first convolution, doubled at each; ``n_classes`` > 0: a
    second input ``label`` and a projection discriminator. ``minibatch``: "none", "stddev"
    (a std channel on the last feature map) or "discrimination" (batch-closeness features
    after the flattened features)."""
    size = image_shape[0]
    steps = upsampling_steps(size)
    image = keras.Input(image_shape, name="image")
    x = image
    for step in range(steps):
        x = layers.Conv2D(width * 2**step, kernel, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    if minibatch == MinibatchFeatures.stddev:
        x = MinibatchStdDev(name="minibatch_stddev")(x)
    # Named: feature matching reads this layer (see ganops.models.features).
    x = layers.Flatten(name=FEATURE_LAYER)(x)
    if minibatch == MinibatchFeatures.discrimination:
        x = MinibatchDiscrimination(name="minibatch_discrimination")(x)
    # Raw logits (no sigmoid), float32 so the loss is computed in full precision.
    labels = label_input() if n_classes else None
    logit = projection_logit(x, labels, n_classes)
    inputs = [image, labels] if labels is not None else image
    return keras.Model(inputs, logit, name="discriminator")


def from_config(
    config: TrainConfig, image_shape: tuple[int, int, int], n_classes: int = 0
) -> tuple[keras.Model, keras.Model]:
    """The pair ``train`` describes: widths, kernel, dropout, minibatch features."""
    return (
        build_generator(
            config.latent_dim, image_shape, config.g_channels, n_classes, config.kernel_size
        ),
        build_discriminator(
            image_shape,
            config.d_channels,
            n_classes,
            config.improved.minibatch,
            config.kernel_size,
            config.d_dropout,
        ),
    )
