"""ResNet generator and discriminator (Miyato et al. 2018's SNGAN layout, sized for 28-64 px).

The discriminator's convolutions and dense layer are wrapped in Keras 3's
``SpectralNormalization`` (one power iteration per step), which bounds its Lipschitz constant
without a gradient penalty. Same inputs, outputs and conditional mode as ``dcgan``: the
generator ends in a float32 tanh, the discriminator returns float32 logits, with a projection
term for class labels.
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


def _sn(layer: layers.Layer) -> layers.Layer:
    return layers.SpectralNormalization(layer, power_iterations=1)


def _block_up(x: keras.KerasTensor, filters: int) -> keras.KerasTensor:
    shortcut = layers.Conv2D(filters, 1)(layers.UpSampling2D(2)(x))
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2D(filters, 3, padding="same")(layers.UpSampling2D(2)(x))
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Conv2D(filters, 3, padding="same")(x)
    return layers.Add()([shortcut, x])


def _block_down(x: keras.KerasTensor, filters: int, first: bool) -> keras.KerasTensor:
    shortcut = layers.AveragePooling2D(2)(_sn(layers.Conv2D(filters, 1))(x))
    if not first:  # the first block sees the image itself: no activation before it
        x = layers.ReLU()(x)
    x = _sn(layers.Conv2D(filters, 3, padding="same"))(x)
    x = _sn(layers.Conv2D(filters, 3, padding="same"))(layers.ReLU()(x))
    return layers.Add()([shortcut, layers.AveragePooling2D(2)(x)])


def build_generator(
    latent_dim: int,
    image_shape: tuple[int, int, int],
    width: int = 128,
    n_classes: int = 0,
) -> keras.Model:
    """``width``: channels of the first feature map, halved at each block (never below
    ``width / 2**(steps - 1)``)."""
    size, _, channels = image_shape
    steps = upsampling_steps(size)
    start = size // 2**steps
    inputs, x = generator_inputs(latent_dim, n_classes)
    x = layers.Reshape((start, start, width))(layers.Dense(start * start * width)(x))
    for step in range(steps):
        x = _block_up(x, max(width // 2**step, width // 2 ** (steps - 1)))
    x = layers.ReLU()(batch_norm()(x))
    image = layers.Conv2D(
        channels, 3, padding="same", activation="tanh", dtype="float32", name="image"
    )(x)
    return keras.Model(inputs if n_classes else inputs[0], image, name="resnet_generator")


def build_discriminator(
    image_shape: tuple[int, int, int],
    width: int = 64,
    n_classes: int = 0,
    minibatch: str = MinibatchFeatures.none,
) -> keras.Model:
    """``minibatch``: "none", "stddev" (a std channel after the last block) or
    "discrimination" (batch-closeness features after the pooled features)."""
    steps = upsampling_steps(image_shape[0])
    image = keras.Input(image_shape, name="image")
    x = image
    for step in range(steps):
        x = _block_down(x, width * 2**step, first=step == 0)
    if minibatch == MinibatchFeatures.stddev:
        x = MinibatchStdDev(name="minibatch_stddev")(x)
    # Named: feature matching reads this layer (see ganops.models.features).
    features = layers.GlobalAveragePooling2D(name=FEATURE_LAYER)(layers.ReLU()(x))
    if minibatch == MinibatchFeatures.discrimination:
        features = MinibatchDiscrimination(name="minibatch_discrimination")(features)
    labels = label_input() if n_classes else None
    logit = projection_logit(features, labels, n_classes, wrap=_sn)
    inputs = [image, labels] if labels is not None else image
    return keras.Model(inputs, logit, name="resnet_discriminator")


def from_config(
    config: TrainConfig, image_shape: tuple[int, int, int], n_classes: int = 0
) -> tuple[keras.Model, keras.Model]:
    """The pair ``train`` describes: the generator's first block is half as wide as a DCGAN's
    first map (3x3 convolutions in residual pairs), spectral norm instead of dropout."""
    return (
        build_generator(config.latent_dim, image_shape, config.g_channels // 2, n_classes),
        build_discriminator(image_shape, config.d_channels, n_classes, config.improved.minibatch),
    )
