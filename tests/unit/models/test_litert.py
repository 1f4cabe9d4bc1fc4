"""The generator's LiteRT copy: the same images as the Keras network for the same latents."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

from ganops.evaluation.conditioning import sample_latents
from ganops.modalities.image import LIGHT_ARTIFACT, ImageModality, ImageSampler
from ganops.models import litert
from ganops.noise import noise_from_seeds
from tests.unit.models.helpers import MODULES

pytest.importorskip("ai_edge_litert.interpreter")

# The stated tolerance (docs/sampling.md), on the generator's [-1, 1] scale: float32
# arithmetic in another kernel library (measured 0.6e-7 to 4e-7 on these networks).
TOLERANCE = 1e-5
LATENT = 16


@pytest.fixture(autouse=True)
def _float32_policy():
    yield
    keras.mixed_precision.set_global_policy("float32")


def small_generator(architecture: str, n_classes: int = 0) -> keras.Model:
    shape = (28, 28, 1) if architecture == "dcgan" else (32, 32, 3)
    return MODULES[architecture].build_generator(LATENT, shape, width=16, n_classes=n_classes)


def litert_copy(generator: keras.Model, folder: Path) -> litert.LiteRtGenerator:
    path = folder / "generator.tflite"
    layout = litert.write_litert_copy(generator, path)
    return litert.LiteRtGenerator(path, layout)


@pytest.mark.parametrize("architecture", ["dcgan", "resnet"])
@pytest.mark.parametrize("n_classes", [0, 10])
def test_litert_copy_gives_the_keras_images(
    architecture: str, n_classes: int, tmp_path: Path
) -> None:
    generator = small_generator(architecture, n_classes)
    copy = litert_copy(generator, tmp_path)
    assert copy.layout == litert.Layout(LATENT, n_classes, 1 if n_classes else None)
    # Batch sizes that make the interpreter resize, and one over MAX_BATCH (chunks).
    for n in (3, 64, litert.MAX_BATCH + 5):
        seeds = list(range(100, 100 + n))
        z = noise_from_seeds(seeds, LATENT)
        labels = [seed % n_classes for seed in seeds] if n_classes else None
        expected = sample_latents(generator, z, labels)
        images = copy(z, labels)
        assert images.shape == expected.shape
        np.testing.assert_allclose(images, expected, atol=TOLERANCE, rtol=0)
    if n_classes:  # the label input is read: another class, other images
        z = noise_from_seeds([0, 0], LATENT)
        first, second = copy(z, [1, 2])
        assert np.abs(first - second).max() > 1e-3


def test_bfloat16_generator_converts_as_its_float32_network(tmp_path: Path) -> None:
    """LiteRT's builtin kernels have no bfloat16 matmul: the copy is the float32 network,
    which differs from the bf16 Keras output by bf16 rounding only."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    generator = small_generator("dcgan")
    keras.mixed_precision.set_global_policy("float32")
    copy = litert_copy(generator, tmp_path)
    z = noise_from_seeds(range(32), LATENT)
    float32_network = sample_latents(litert.float32_copy(generator), z)
    np.testing.assert_allclose(copy(z), float32_network, atol=TOLERANCE, rtol=0)
    bf16_difference = np.abs(copy(z) - sample_latents(generator, z)).max()
    assert 0 < bf16_difference < 0.05  # bf16 has 8 mantissa bits: ~1e-2 on tanh outputs


def test_image_sampler_same_seeds_same_images_on_both_runtimes(tmp_path: Path) -> None:
    """The served model's predict (seeds -> noise -> labels -> [0, 1]) on either runtime."""
    generator = small_generator("dcgan", n_classes=10)
    copy = litert_copy(generator, tmp_path)
    layout = copy.layout
    light = ImageSampler(copy, layout.latent_dim, layout.n_classes, layout.label_index)
    heavy = ImageSampler.from_keras(generator)
    table = pd.DataFrame({"seed": [5, 6, 7], "label": [3, 3, 9]})
    np.testing.assert_allclose(light(table), heavy(table), atol=TOLERANCE / 2, rtol=0)
    seeds_only = {"seed": [11, 12]}  # default labels: seed mod classes, on both
    np.testing.assert_allclose(light(seeds_only), heavy(seeds_only), atol=TOLERANCE / 2, rtol=0)


def test_light_copy_of_the_image_modality(tmp_path: Path) -> None:
    path = tmp_path / "generator.keras"
    small_generator("dcgan").save(path)
    light = ImageModality().light_copy(path, tmp_path)
    assert light.settings["light_runtime"] == litert.RUNTIME
    assert Path(light.artifacts[LIGHT_ARTIFACT]).stat().st_size > 0
    sampler = ImageModality().load_light_sampler(light.artifacts, light.settings)
    assert sampler is not None and sampler({"seed": [0]}).shape == (1, 28, 28, 1)


def test_unconvertible_generator_registers_without_a_light_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "generator.keras"
    small_generator("dcgan").save(path)

    def refuse(generator: keras.Model) -> bytes:
        raise litert.ConversionError("'tf.Foo' op is neither a custom op nor a flex op")

    monkeypatch.setattr(litert, "to_litert", refuse)
    light = ImageModality().light_copy(path, tmp_path)
    assert light.artifacts == {}
    assert light.settings["light_runtime"] is None
    assert "tf.Foo" in light.settings["light_runtime_reason"]
    assert ImageModality().load_light_sampler(light.artifacts, light.settings) is None
