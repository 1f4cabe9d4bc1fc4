"""Minibatch features (Salimans et al. 2016) against hand-computed values, in every
discriminator, under mixed precision and through saving."""

from __future__ import annotations

import importlib
import math

import keras
import numpy as np
import pytest

from ganops.models.dcgan import build_discriminator
from ganops.models.features import with_features
from ganops.models.minibatch import MinibatchDiscrimination, MinibatchStdDev


@pytest.fixture(autouse=True)
def _float32_policy():
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_minibatch_stddev_hand_computed() -> None:
    # Two samples, two features: stds |1 - 3| / 2 = 1 and |0 - 4| / 2 = 2 -> mean 1.5.
    x = np.array([[[[1.0, 0.0]]], [[[3.0, 4.0]]]], "float32")  # (2, 1, 1, 2)
    out = MinibatchStdDev()(x).numpy()
    assert out.shape == (2, 1, 1, 3)
    np.testing.assert_allclose(out[..., :2], x)
    np.testing.assert_allclose(out[..., 2], 1.5, rtol=1e-6)
    # Identical samples (a collapsed generator) give ~0: the signal the discriminator uses.
    assert float(MinibatchStdDev()(np.repeat(x[:1], 4, axis=0))[0, 0, 0, 2]) < 1e-3


def test_minibatch_discrimination_hand_computed() -> None:
    layer = MinibatchDiscrimination(kernels=2, kernel_dim=1)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], "float32")
    layer.build(x.shape)
    # T maps features to M = (x0, 2 x1): kernel 0 reads feature 0, kernel 1 twice feature 1.
    layer.projection.assign(np.array([[1.0, 0.0], [0.0, 2.0]], "float32"))
    out = layer(x).numpy()
    # Kernel 0 values (1, 0, 1): sample 0 sums exp(0) + exp(-1) + exp(0) = 2 + e^-1.
    # Kernel 1 values (0, 2, 0): sample 1 sums exp(-2) + exp(0) + exp(-2) = 1 + 2 e^-2.
    e1, e2 = math.exp(-1), math.exp(-2)
    expected = np.array([[2 + e1, 2 + e2], [1 + 2 * e1, 1 + 2 * e2], [2 + e1, 2 + e2]])
    np.testing.assert_allclose(out[:, :2], x)
    np.testing.assert_allclose(out[:, 2:], expected, rtol=1e-6)


@pytest.mark.parametrize("architecture", ["dcgan", "resnet"])
@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("minibatch", ["stddev", "discrimination"])
@pytest.mark.parametrize("n_classes", [0, 3])
def test_minibatch_discriminators_keep_one_logit(
    architecture: str, size: int, minibatch: str, n_classes: int
) -> None:
    module = importlib.import_module(f"ganops.models.{architecture}")
    discriminator = module.build_discriminator(
        (size, size, 3), width=4, n_classes=n_classes, minibatch=minibatch
    )
    assert discriminator.get_layer(f"minibatch_{minibatch}") is not None
    images = np.zeros((2, size, size, 3), "float32")
    inputs = [images, np.array([[0], [2]], "int32")] if n_classes else images
    assert tuple(discriminator(inputs).shape) == (2, 1)
    if n_classes:  # feature matching works with the conditional discriminator too
        logits, _ = with_features(discriminator)(inputs)
        assert tuple(logits.shape) == (2, 1)


def test_minibatch_layers_under_mixed_precision_and_saving(tmp_path) -> None:
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    discriminator = build_discriminator((28, 28, 1), width=4, minibatch="discrimination")
    assert discriminator.output.dtype == "float32"
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    before = discriminator(images).numpy()
    keras.mixed_precision.set_global_policy("float32")
    for kind in ("stddev", "discrimination"):
        model = build_discriminator((28, 28, 1), width=4, minibatch=kind)
        model.save(tmp_path / f"{kind}.keras")
        loaded = keras.saving.load_model(tmp_path / f"{kind}.keras")
        np.testing.assert_allclose(loaded(images).numpy(), model(images).numpy(), rtol=1e-5)
    assert np.isfinite(before).all()
