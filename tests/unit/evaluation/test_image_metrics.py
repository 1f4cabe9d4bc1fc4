"""Image metrics at tiny sizes: the label-free path, cached floors, the classifier score
beside its real-data ceiling, floors at the counts of their values, and what the standard-FID
part caches (the real test and train features and the floor, per data version and extractor
protocol; a counting stand-in replaces InceptionV3, so this needs neither PyTorch nor
minutes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import keras
import numpy as np
import pytest

from ganops.config import Config
from ganops.evaluation import inception
from ganops.evaluation.classifier import DomainClassifier
from ganops.evaluation.coverage import classifier_score
from ganops.evaluation.features import pixel_features, to_unit_interval
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


FLOOR_TEST_CONFIG = Config.model_validate(
    {"evaluate": {"n_samples": 1000, "kid_subsets": 5, "kid_subset_size": 30}}
)


@pytest.fixture(scope="module")
def fashion_classifier(tmp_path_factory: pytest.TempPathFactory):
    """The domain classifier trained on the fixture's train split and a test split of a
    given size, trained once per size for the whole module (it is the slow part)."""
    from ganops.data.idx import read_split
    from ganops.evaluation.classifier import train_classifier
    from tests.conftest import FIXTURES

    images, labels = read_split(FIXTURES / "fashion-mnist", "train")
    test_images, test_labels = read_split(FIXTURES / "fashion-mnist", "t10k")
    images, test_images = images[..., None], test_images[..., None]
    trained: dict[int, Path] = {}

    def classifier(n_test: int) -> tuple[np.ndarray, np.ndarray, Path]:
        if n_test not in trained:
            folder = tmp_path_factory.mktemp(f"classifier-{n_test}")
            summary = train_classifier(
                images,
                labels,
                test_images[:n_test],
                test_labels[:n_test],
                FLOOR_TEST_CONFIG.classifier,
                folder,
            )
            (folder / "summary.json").write_text(json.dumps(summary))
            trained[n_test] = folder
        return images, test_images[:n_test], trained[n_test]

    return classifier


@pytest.mark.parametrize("n_test", [40, 400], ids=["small test split", "large test split"])
@pytest.mark.parametrize("value", [0.0, -1.0], ids=["mid-grey", "black"])
def test_a_constant_generator_never_beats_its_floor(
    n_test: int, value: float, fashion_classifier
) -> None:
    """Floors are measured at the counts of the values beside them, so a degenerate
    generator cannot look better than real data by a sample-count artifact.

    Improved precision is the one exception, by its definition rather than by counts: a
    constant image that lies inside a real image's k-NN ball (a black square near the mostly
    black Fashion-MNIST backgrounds) is "realistic", so a collapsed generator can score 1.0.
    Kynkäänniemi et al. read it together with recall, which is 0 here, and the gate's sanity
    check refuses such a generator."""
    from ganops.evaluation.classifier import load_classifier
    from ganops.modalities import modality_named

    images, test_images, classifier_folder = fashion_classifier(n_test)
    metrics, _ = evaluate_generator(
        constant_generator(value),
        images,
        test_images,
        FLOOR_TEST_CONFIG.evaluate,
        load_classifier(classifier_folder),
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
