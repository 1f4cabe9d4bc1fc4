"""Shapes of every architecture x size x channels x (un)conditional combination; the builder
passes the minibatch setting to every architecture."""

from __future__ import annotations

import numpy as np
import pytest

from ganops.evaluation.conditioning import generator_inputs, is_conditional
from tests.unit.models.helpers import MODULES


@pytest.mark.parametrize("conditional", [False, True], ids=["plain", "conditional"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("architecture", sorted(MODULES))
def test_shapes(architecture: str, size: int, channels: int, conditional: bool) -> None:
    module = MODULES[architecture]
    n_classes = 10 if conditional else 0
    shape = (size, size, channels)
    generator = module.build_generator(16, shape, width=8, n_classes=n_classes)
    discriminator = module.build_discriminator(shape, width=8, n_classes=n_classes)
    assert is_conditional(generator) == conditional
    z = np.random.default_rng(0).standard_normal((3, 16)).astype("float32")
    labels = [0, 4, 9]
    images = np.asarray(generator(generator_inputs(generator, z, labels)))
    assert images.shape == (3, *shape)
    assert images.min() >= -1.0 and images.max() <= 1.0
    d_input = [images, np.array(labels, "int32")[:, None]] if conditional else images
    assert tuple(discriminator(d_input).shape) == (3, 1)
    assert generator.output.dtype == "float32" and discriminator.output.dtype == "float32"


def test_builders_pass_the_minibatch_setting_to_both_architectures() -> None:
    from ganops.config import TrainConfig
    from ganops.models.builders import build_image_models

    for architecture in ("dcgan", "resnet"):
        config = TrainConfig(
            architecture=architecture, latent_dim=8, improved={"minibatch": "stddev"}
        )
        _, discriminator = build_image_models(config, (28, 28, 1))
        assert discriminator.get_layer("minibatch_stddev") is not None
