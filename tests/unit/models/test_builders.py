"""Shapes of every architecture x size x channels x (un)conditional combination, spectral
normalization in the ResNet discriminator, and one conditional training step."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ganops.config import TrainConfig
from ganops.evaluation.conditioning import generator_inputs, is_conditional
from ganops.models import dcgan, resnet
from ganops.training.trainer import image_trainer

MODULES = {"dcgan": dcgan, "resnet": resnet}


@pytest.mark.parametrize("conditional", [False, True], ids=["plain", "conditional"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("architecture", sorted(MODULES))
def test_shapes(architecture: str, size: int, channels: int, conditional: bool) -> None:
    module = MODULES[architecture]
    n_classes = 10 if conditional else 0
    shape = (size, size, channels)
    generator = module.build_generator(16, shape, base_filters=8, n_classes=n_classes)
    discriminator = module.build_discriminator(shape, base_filters=8, n_classes=n_classes)
    assert is_conditional(generator) == conditional
    z = np.random.default_rng(0).standard_normal((3, 16)).astype("float32")
    labels = [0, 4, 9]
    images = np.asarray(generator(generator_inputs(generator, z, labels)))
    assert images.shape == (3, *shape)
    assert images.min() >= -1.0 and images.max() <= 1.0
    d_input = [images, np.array(labels, "int32")[:, None]] if conditional else images
    assert tuple(discriminator(d_input).shape) == (3, 1)
    assert generator.output.dtype == "float32" and discriminator.output.dtype == "float32"


def test_resnet_discriminator_is_spectrally_normalized() -> None:
    discriminator = resnet.build_discriminator((32, 32, 3), base_filters=8)
    wrapped = [
        layer
        for layer in discriminator.layers
        if isinstance(layer, keras.layers.SpectralNormalization)
    ]
    kernels = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert wrapped and not kernels, "every convolution is inside SpectralNormalization"


@pytest.mark.parametrize("architecture", sorted(MODULES))
def test_conditional_pair_trains_one_step(architecture: str) -> None:
    config = TrainConfig(
        architecture=architecture,
        conditional=True,
        precision="float32",
        latent_dim=8,
        batch_size=4,
        grid_size=2,
    )
    trainer = image_trainer(config, (28, 28, 1), n_classes=10)
    real = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    labels = np.array([1, 2, 3, 4], "int32")
    d_loss, g_loss = trainer.train_step((real, labels))
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    assert trainer.grid().shape == (4, 28, 28, 1)
