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

SUPPORTED_SIZES = (28, 32, 64)


def upsampling_steps(size: int) -> int:
    """Number of stride-2 layers between the first feature map and the image."""
    if size not in SUPPORTED_SIZES:
        raise ConfigError(
            f"image size {size} is not supported by the DCGAN",
            hint=f"allowed sizes: {', '.join(map(str, SUPPORTED_SIZES))}",
        )
    return 2 if size <= 32 else 3


def label_input() -> keras.KerasTensor:
    """Class labels, int32 (B, 1): the layout ``ganops.evaluation.conditioning`` feeds."""
    return keras.Input((1,), dtype="int32", name="label")


def label_embedding(labels: keras.KerasTensor, n_classes: int, width: int) -> keras.KerasTensor:
    x = layers.Embedding(n_classes, width)(labels)
    return layers.Flatten()(x)


def projection_logit(
    features: keras.KerasTensor, labels: keras.KerasTensor | None, n_classes: int
) -> keras.KerasTensor:
    """Linear logit, plus <embed(y), features> with labels (Miyato & Koyama 2018), float32."""
    logit = layers.Dense(1, dtype="float32", name="logit")(features)
    if labels is None:
        return logit
    embedded = label_embedding(labels, n_classes, int(features.shape[-1]))
    projection = layers.Dot(axes=1, dtype="float32")([features, embedded])
    return layers.Add(dtype="float32", name="projected_logit")([logit, projection])


def build_generator(
    latent_dim: int,
    image_shape: tuple[int, int, int],
    base_filters: int = 64,
    n_classes: int = 0,
) -> keras.Model:
    """``n_classes`` > 0: a second input ``label`` whose embedding is concatenated to z."""
    size, _, channels = image_shape
    steps = upsampling_steps(size)
    start = size // 2**steps
    width = base_filters * 2**steps  # 256 for 28 px with the default base, as the tutorial
    noise = keras.Input((latent_dim,), name="z")
    inputs = [noise]
    x = noise
    if n_classes:
        labels = label_input()
        inputs.append(labels)
        x = layers.Concatenate()([noise, label_embedding(labels, n_classes, 50)])
    x = layers.Dense(start * start * width, use_bias=False)(x)
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
    return keras.Model(inputs if n_classes else noise, image, name="generator")


def build_discriminator(
    image_shape: tuple[int, int, int], base_filters: int = 64, n_classes: int = 0
) -> keras.Model:
    """``n_classes`` > 0: a second input ``label`` and a projection discriminator."""
    size = image_shape[0]
    steps = upsampling_steps(size)
    image = keras.Input(image_shape, name="image")
    x = image
    for step in range(steps):
        x = layers.Conv2D(base_filters * 2**step, 5, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Dropout(0.3)(x)
    x = layers.Flatten()(x)
    # Raw logits (no sigmoid), float32 so the loss is computed in full precision.
    labels = label_input() if n_classes else None
    logit = projection_logit(x, labels, n_classes)
    inputs = [image, labels] if labels is not None else image
    return keras.Model(inputs, logit, name="discriminator")
