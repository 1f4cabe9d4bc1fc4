"""Expose a discriminator's intermediate features next to its logit (for feature matching).

Every image discriminator names the layer whose output feature matching compares
``FEATURE_LAYER``: the last hidden representation before the logit, as in Salimans et al.
2016. The returned model shares the discriminator's layers and weights: training through it
trains the discriminator.
"""

from __future__ import annotations

import keras

from ganops.errors import ConfigError

FEATURE_LAYER = "features"


def with_features(discriminator: keras.Model, layer: str = FEATURE_LAYER) -> keras.Model:
    """image -> [logit, features of ``layer``]."""
    try:
        features = discriminator.get_layer(layer).output
    except ValueError:
        raise ConfigError(
            f"discriminator {discriminator.name!r} has no layer named {layer!r}",
            hint="feature matching needs an architecture that names its feature layer",
        ) from None
    return keras.Model(
        discriminator.input,
        [discriminator.outputs[0], features],
        name=f"{discriminator.name}_features",
    )
