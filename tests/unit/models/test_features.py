"""The discriminator's feature layer, exposed with shared weights (for feature matching)."""

from __future__ import annotations

import importlib

import keras
import numpy as np
import pytest

from ganops.models.features import FEATURE_LAYER, with_features


@pytest.mark.parametrize("architecture", ["dcgan", "resnet"])
@pytest.mark.parametrize("minibatch", ["none", "stddev", "discrimination"])
def test_discriminator_exposes_its_feature_layer(architecture: str, minibatch: str) -> None:
    module = importlib.import_module(f"ganops.models.{architecture}")
    discriminator = module.build_discriminator((28, 28, 1), width=4, minibatch=minibatch)
    both = with_features(discriminator)
    logits, features = both(np.zeros((3, 28, 28, 1), "float32"))
    assert tuple(logits.shape) == (3, 1)
    # DCGAN: flattened 7x7 maps; ResNet: pooled channels. The std channel comes before both.
    width = (7 * 7 if architecture == "dcgan" else 1) * (8 + (minibatch == "stddev"))
    assert tuple(features.shape) == (3, width)
    # Shared weights: the features model trains the discriminator itself.
    assert {id(w) for w in both.weights} == {id(w) for w in discriminator.weights}
    assert discriminator.get_layer(FEATURE_LAYER) is both.get_layer(FEATURE_LAYER)


def test_with_features_names_a_missing_layer() -> None:
    from ganops.errors import ConfigError

    inputs = keras.Input((4,))
    plain = keras.Model(inputs, keras.layers.Dense(1)(inputs), name="plain")
    with pytest.raises(ConfigError, match="no layer named 'features'"):
        with_features(plain)
