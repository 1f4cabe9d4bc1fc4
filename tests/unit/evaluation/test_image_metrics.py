"""What the standard-FID part of ``image_metrics`` caches: the real test and train features
and the floor, per data version (a hash of the arrays' contents) and extractor protocol; a
second evaluation extracts the generated images only. A counting stand-in replaces the
InceptionV3 extractor, so this needs neither PyTorch nor minutes."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from ganops.config import Config
from ganops.evaluation import inception
from ganops.evaluation.features import pixel_features
from ganops.evaluation.image_metrics import evaluate_generator


class CountingExtractor:
    """Records what it is asked to extract; 16-d pooled pixels as the 'features'."""

    calls: ClassVar[list[str]] = []
    runtime = "counting stand-in"

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size

    def __call__(self, images: np.ndarray, desc: str = "") -> np.ndarray:
        CountingExtractor.calls.append(f"{desc}: {len(images)}")
        return pixel_features(images)


FRESH = ["inception: real test: 50", "inception: real train: 50", "inception: generated: 50"]


def generator():
    import keras

    z = keras.Input((4,), name="z")
    x = keras.layers.Dense(8 * 8, activation="tanh")(z)
    return keras.Model(z, keras.layers.Reshape((8, 8, 1))(x))


def test_real_features_and_floor_are_cached_per_data_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inception, "InceptionFeatures", CountingExtractor)
    monkeypatch.setattr(CountingExtractor, "calls", [])
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (90, 8, 8, 1), dtype=np.uint8)
    test = rng.integers(0, 256, (60, 8, 8, 1), dtype=np.uint8)
    settings = {"n_samples": 40, "batch_size": 20, "kid_subsets": 3, "kid_subset_size": 20}
    inception_settings = {"inception": True, "inception_samples": 50}
    config = Config.model_validate({"evaluate": settings | inception_settings}).evaluate
    model = generator()

    def evaluate(train: np.ndarray, test: np.ndarray, config=config) -> dict:
        return evaluate_generator(model, train, test, config, classifier=None, cache=tmp_path)[0]

    first = evaluate(train, test)
    assert CountingExtractor.calls == FRESH
    assert first["n_fake_inception"] == first["n_real_inception"] == 50
    assert "counting stand-in" in first["feature_space_inception"]
    for name in ("fid_inception", "kid_inception", "fid_inception_floor", "kid_inception_floor"):
        assert isinstance(first[name], float)

    # Again, and after a re-prepare (new arrays, same contents): only the fakes are extracted.
    CountingExtractor.calls.clear()
    again = evaluate(train, test)
    reprepared = evaluate(train.copy(), test.copy())
    assert CountingExtractor.calls == ["inception: generated: 50"] * 2
    for metrics in (again, reprepared):
        assert metrics["fid_inception_floor"] == first["fid_inception_floor"]
        assert metrics["fid_inception"] == pytest.approx(first["fid_inception"])

    # Other KID subsets: a new floor from the cached features (no extraction of real images).
    CountingExtractor.calls.clear()
    more_subsets = config.model_copy(update={"kid_subsets": 4})
    changed = evaluate(train, test, more_subsets)
    assert CountingExtractor.calls == ["inception: generated: 50"]
    assert changed["fid_inception_floor"] == first["fid_inception_floor"]
    assert changed["kid_inception_floor"] != first["kid_inception_floor"]

    # Other data, or another protocol (EXTRACTOR_ID), is extracted anew.
    CountingExtractor.calls.clear()
    evaluate(train, 255 - test)
    monkeypatch.setattr(inception, "EXTRACTOR_ID", "another protocol")
    evaluate(train, test)
    assert CountingExtractor.calls == 2 * FRESH
