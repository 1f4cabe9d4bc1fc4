from __future__ import annotations

import keras
import numpy as np
import pytest

from ganops.errors import ConfigError
from ganops.models.dcgan import build_discriminator, build_generator


@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_generator_makes_images_of_the_data_size(size: int, channels: int) -> None:
    generator = build_generator(16, (size, size, channels), width=8)
    images = generator(np.random.default_rng(0).standard_normal((2, 16)).astype("float32"))
    assert tuple(images.shape) == (2, size, size, channels)
    values = np.asarray(images)
    assert values.min() >= -1.0 and values.max() <= 1.0  # tanh output range


@pytest.mark.parametrize("size", [28, 32, 64])
def test_discriminator_returns_one_raw_logit(size: int) -> None:
    discriminator = build_discriminator((size, size, 1), width=8)
    logits = discriminator(np.zeros((3, size, size, 1), "float32"))
    assert tuple(logits.shape) == (3, 1)
    # The seed's bug: a sigmoid before a from_logits loss. The last layer must be linear.
    assert discriminator.layers[-1].activation is keras.activations.linear


def test_unsupported_size_names_allowed_sizes() -> None:
    with pytest.raises(ConfigError) as caught:
        build_generator(8, (30, 30, 1))
    assert "28, 32, 64" in (caught.value.hint or "")


def test_output_layers_stay_float32_under_mixed_precision() -> None:
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        generator = build_generator(8, (28, 28, 1), width=8)
        discriminator = build_discriminator((28, 28, 1), width=8)
        assert generator.output.dtype == "float32"
        assert discriminator.output.dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")
