"""Class conditioning shared by the image architectures: the label input, its embedding, and
the projection discriminator's logit (Miyato & Koyama 2018)."""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import layers


def label_input() -> keras.KerasTensor:
    """Class labels, int32 (B, 1): the layout ``ganops.evaluation.conditioning`` feeds."""
    return keras.Input((1,), dtype="int32", name="label")


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
