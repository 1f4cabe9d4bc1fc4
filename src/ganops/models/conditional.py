"""Class conditioning shared by the image architectures: the label input, its embedding, and
the projection discriminator's logit (Miyato & Koyama 2018)."""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import layers


def label_input() -> keras.KerasTensor:
    """Class labels, int32 (B, 1): the layout ``ganops.evaluation.conditioning`` feeds."""
    return keras.Input((1,), dtype="int32", name="label")


def generator_inputs(
    latent_dim: int, n_classes: int
) -> tuple[list[keras.KerasTensor], keras.KerasTensor]:
    """The generator's inputs (``z``, and ``label`` when ``n_classes`` > 0) and the tensor its
    first layer reads: z, or z concatenated with the label's 50-d embedding."""
    noise = keras.Input((latent_dim,), name="z")
    if not n_classes:
        return [noise], noise
    labels = label_input()
    return [noise, labels], layers.Concatenate()([noise, label_embedding(labels, n_classes, 50)])


def label_embedding(labels: keras.KerasTensor, n_classes: int, width: int) -> keras.KerasTensor:
    x = layers.Embedding(n_classes, width)(labels)
    return layers.Flatten()(x)


def projection_logit(
    features: keras.KerasTensor,
    labels: keras.KerasTensor | None,
    n_classes: int,
    wrap: Callable[[layers.Layer], layers.Layer] = lambda layer: layer,
) -> keras.KerasTensor:
    """Linear logit, plus <embed(y), features> with labels, float32 (the loss reads it).
    ``wrap`` wraps the linear layer (e.g. in spectral normalization)."""
    logit = wrap(layers.Dense(1, dtype="float32", name="logit"))(features)
    if labels is None:
        return logit
    embedded = label_embedding(labels, n_classes, int(features.shape[-1]))
    projection = layers.Dot(axes=1, dtype="float32")([features, embedded])
    return layers.Add(dtype="float32", name="projected_logit")([logit, projection])
