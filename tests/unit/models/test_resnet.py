"""Spectral normalization in the ResNet discriminator."""

from __future__ import annotations

import keras

from ganops.models import resnet


def test_resnet_discriminator_is_spectrally_normalized() -> None:
    discriminator = resnet.build_discriminator((32, 32, 3), width=8)
    wrapped = [
        layer
        for layer in discriminator.layers
        if isinstance(layer, keras.layers.SpectralNormalization)
    ]
    kernels = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert wrapped and not kernels, "every convolution is inside SpectralNormalization"
