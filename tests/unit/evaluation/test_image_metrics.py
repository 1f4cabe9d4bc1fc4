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


# Higher is better for these; every other metric with a floor is lower-is-better.
HIGHER_IS_BETTER = {
    "precision_domain",
    "recall_domain",
    "class_entropy",
    "classes_seen",
    "classifier_score",
    "sample_spread",
}


def constant_generator(value: float):
    """Ignores z: every sample is the same image (a collapsed or untrained generator)."""
    z = keras.Input((4,))
    zero = keras.layers.Dense(28 * 28, kernel_initializer="zeros", bias_initializer="zeros")(z)
    image = keras.layers.Reshape((28, 28, 1))(zero + value)
    return keras.Model(z, image)


@pytest.mark.parametrize("n_test", [40, 400], ids=["small test split", "large test split"])
@pytest.mark.parametrize("value", [0.0, -1.0], ids=["mid-grey", "black"])
def test_a_constant_generator_never_beats_its_floor(
    n_test: int, value: float, tmp_path: Path
) -> None:
    """Floors are measured at the counts of the values beside them, so a degenerate
    generator cannot look better than real data by a sample-count artifact.

    Improved precision is the one exception, by its definition rather than by counts: a
    constant image that lies inside a real image's k-NN ball (a black square near the mostly
    black Fashion-MNIST backgrounds) is "realistic", so a collapsed generator can score 1.0.
    Kynkäänniemi et al. read it together with recall, which is 0 here, and the gate's sanity
    check refuses such a generator."""
    from ganops.data.idx import read_split
    from ganops.evaluation.classifier import load_classifier, train_classifier
    from ganops.modalities import modality_named
    from tests.conftest import FIXTURES

    images, labels = read_split(FIXTURES / "fashion-mnist", "train")
    test_images, test_labels = read_split(FIXTURES / "fashion-mnist", "t10k")
    images, test_images = images[..., None], test_images[..., None][:n_test]
    config = Config.model_validate(
        {"evaluate": {"n_samples": 1000, "kid_subsets": 5, "kid_subset_size": 30}}
    )
    summary = train_classifier(
        images, labels, test_images, test_labels[:n_test], config.classifier, tmp_path
    )
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    metrics, _ = evaluate_generator(
        constant_generator(value), images, test_images, config.evaluate, load_classifier(tmp_path)
    )
    assert metrics["n_fake"] == len(images)  # min(n_samples, n_train): the floor's count too
    floored = [key.removesuffix("_floor") for key in metrics if key.endswith("_floor")]
    assert {"fid_domain", "kid_domain", "precision_domain", "sample_spread"} <= set(floored)
    assert metrics["recall_domain"] == 0.0 < metrics["recall_domain_floor"]
    for name in set(floored) - {"precision_domain"}:
        value_, floor = metrics[name], metrics[f"{name}_floor"]
        if name in HIGHER_IS_BETTER:
            assert value_ <= floor, f"{name} {value_} beats its floor {floor}"
        else:
            assert value_ >= floor, f"{name} {value_} beats its floor {floor}"
    problems = modality_named("image").sanity_problems(metrics)
    assert any("nearly all alike" in problem for problem in problems)
