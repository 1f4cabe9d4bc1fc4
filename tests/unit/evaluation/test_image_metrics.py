"""Image metrics at tiny sizes: the label-free path, cached floors, and the classifier score
beside its real-data ceiling."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest

from ganops.config import Config
from ganops.evaluation.classifier import DomainClassifier
from ganops.evaluation.coverage import classifier_score
from ganops.evaluation.features import to_unit_interval
from ganops.evaluation.image_metrics import evaluate_generator
from tests.unit.evaluation.helpers import unconditional_generator


def test_label_free_evaluation_and_cached_floors(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (120, 8, 8, 1), dtype=np.uint8)
    test = rng.integers(0, 256, (60, 8, 8, 1), dtype=np.uint8)
    config = Config.model_validate(
        {"evaluate": {"n_samples": 50, "batch_size": 25, "kid_subsets": 5, "kid_subset_size": 40}}
    ).evaluate
    metrics, fakes = evaluate_generator(
        unconditional_generator(), train, test, config, classifier=None, cache=tmp_path
    )
    assert fakes.shape == (50, 8, 8, 1)
    assert metrics["n_fake"] == 50 and metrics["n_real"] == 60
    assert metrics["feature_space_domain"].startswith("pixels")
    assert metrics["label_metrics"].startswith("skipped")
    assert "class_entropy" not in metrics and "classifier_score" not in metrics
    for name in ("fid_domain", "kid_domain", "precision_domain", "recall_domain", "fid_pixels"):
        assert isinstance(metrics[name], float) and isinstance(metrics[f"{name}_floor"], float)
    # Without a classifier the domain space is the pixel space.
    assert metrics["fid_domain"] == pytest.approx(metrics["fid_pixels"])
    # Floors are cached per data version; a second evaluation reads them back.
    cached = sorted(p.name.split("-")[0] + "-" + p.name.split("-")[1] for p in tmp_path.iterdir())
    assert cached == ["domain-features", "domain-floor", "pixel-floor"]
    floor_file = next(tmp_path.glob("domain-floor-*.json"))
    floor_file.write_text(json.dumps({**json.loads(floor_file.read_text()), "fid_domain": 123.0}))
    again, _ = evaluate_generator(
        unconditional_generator(), train, test, config, classifier=None, cache=tmp_path
    )
    assert again["fid_domain_floor"] == 123.0


def test_evaluate_reports_the_classifier_score_beside_its_real_data_ceiling(tmp_path) -> None:
    """metrics.json: ``classifier_score`` of the fakes, ``classifier_score_floor`` of as many
    real training images (for this higher-is-better score the real-data value is the ceiling)."""
    keras.utils.set_random_seed(3)
    image = keras.Input((8, 8, 1))
    features = keras.layers.Dense(4)(keras.layers.Flatten()(image))
    probabilities = keras.layers.Dense(3, activation="softmax")(features * 5.0)
    model = keras.Model(image, [features, probabilities])
    classifier = DomainClassifier(model, {"test_accuracy": 0.5, "feature_scale": 1.0, "key": "t"})
    z = keras.Input((6,))
    generator = keras.Model(z, keras.layers.Reshape((8, 8, 1))(keras.layers.Dense(64, "tanh")(z)))
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (80, 8, 8, 1), dtype=np.uint8)
    test = rng.integers(0, 256, (40, 8, 8, 1), dtype=np.uint8)
    config = Config.model_validate(
        {"evaluate": {"n_samples": 30, "batch_size": 15, "kid_subsets": 3, "kid_subset_size": 20}}
    ).evaluate
    metrics, fakes = evaluate_generator(generator, train, test, config, classifier, tmp_path)
    ceiling = classifier_score(model.predict_on_batch(to_unit_interval(train[:30]))[1])
    assert metrics["classifier_score_floor"] == pytest.approx(ceiling, rel=1e-5)
    fake_score = classifier_score(model.predict_on_batch(to_unit_interval(fakes))[1])
    assert metrics["classifier_score"] == pytest.approx(fake_score, rel=1e-5)
    assert "fid_domain" in metrics and "fid_domain_floor" in metrics
