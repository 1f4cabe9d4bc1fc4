"""Image quality numbers for a generator, each beside its real-vs-real floor.

The floor is the same metric for real train images vs the real test images: no generator can
be expected to beat it, so it says what "perfect" looks like at these sample counts. Floors
and real-image features depend only on the data version (and the extractor), so they are
computed once and cached under the project's state folder.

Feature spaces (each named in metrics.json):
- ``domain``: the penultimate layer of the domain classifier (see ``classifier.py``); for a
  dataset without labels, the label-free pixel space below, and the label metrics are skipped.
- ``pixels``: 2x2 average-pooled pixels, label-free and network-free.
- ``inception``: InceptionV3 pool features, the standard FID/KID (optional, slow on CPU).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ganops.config import EvaluateConfig
from ganops.evaluation import conditioning
from ganops.evaluation.classifier import DomainClassifier
from ganops.evaluation.coverage import coverage_metrics
from ganops.evaluation.feature_cache import array_digest, cached_arrays, cached_json, make_key
from ganops.evaluation.features import pixel_features, to_unit_interval
from ganops.evaluation.frechet import frechet_distance_of
from ganops.evaluation.kid import kernel_distance
from ganops.evaluation.manifold import precision_recall

log = logging.getLogger(__name__)

PIXEL_SPACE = "pixels, 2x2 average-pooled"
NO_LABELS = "skipped: the dataset has no labels (no classifier, no class coverage)"
NO_LABELS_WARNING = (
    "the dataset has no labels: class coverage and the classifier score are not measured, "
    "and the domain metrics use pixel features (put images in one subfolder per class to "
    "get them)"
)


def generate(
    generator: Any, n: int, first_seed: int, batch_size: int, n_classes: int = 0
) -> np.ndarray:
    """``n`` images in [-1, 1] from seeds ``first_seed .. first_seed + n - 1``; a conditional
    generator gets class ``seed mod n_classes`` (balanced classes)."""
    conditional = conditioning.is_conditional(generator)
    if conditional and n_classes < 1:
        raise ValueError("a conditional generator needs n_classes")
    batches = []
    for start in tqdm(
        range(0, n, batch_size), desc="generating", unit="batch", leave=False, mininterval=1.0
    ):
        seeds = list(range(first_seed + start, first_seed + min(n, start + batch_size)))
        labels = conditioning.balanced_labels(seeds, n_classes) if conditional else None
        batches.append(conditioning.sample(generator, seeds, labels))
    return np.concatenate(batches)


def pixel_spread(images: np.ndarray) -> float:
    """Mean over pixels of the standard deviation across images, in [0, 1] units: how much
    the samples differ from each other (0 = all identical)."""
    return float(to_unit_interval(images).std(axis=0).mean())


def feature_metrics(
    fake: np.ndarray, real: np.ndarray, config: EvaluateConfig, suffix: str
) -> dict[str, float]:
    """FID, KID (mean and std over subsets), precision and recall in one feature space."""
    kid, kid_std = kernel_distance(
        fake, real, config.kid_subsets, config.kid_subset_size, seed=config.seed
    )
    precision, recall = precision_recall(real, fake, config.nearest_k)
    return {
        f"fid_{suffix}": frechet_distance_of(fake, real),
        f"kid_{suffix}": kid,
        f"kid_{suffix}_std": kid_std,
        f"precision_{suffix}": precision,
        f"recall_{suffix}": recall,
    }


class DomainSpace:
    """Features (and class probabilities when there is a classifier) in the domain space."""

    def __init__(self, classifier: DomainClassifier | None) -> None:
        self.classifier = classifier

    @property
    def name(self) -> str:
        if self.classifier is None:
            return f"{PIXEL_SPACE} (label-free: no classifier without labels)"
        return (
            f"domain classifier penultimate layer, {self.classifier.feature_dim}-d, "
            "scaled to unit mean square on the real test images"
        )

    @property
    def key(self) -> str:
        return self.classifier.summary.get("key", "?") if self.classifier else "pixels"

    def __call__(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        if self.classifier is None:
            return pixel_features(images), None
        return self.classifier.features_and_probabilities(images)


def domain_metrics(
    fakes: np.ndarray,
    real: tuple[np.ndarray, np.ndarray | None],
    space: DomainSpace,
    config: EvaluateConfig,
) -> dict[str, float]:
    fake_features, fake_probabilities = space(fakes)
    real_features, _ = real
    metrics = feature_metrics(fake_features, real_features, config, "domain")
    if fake_probabilities is not None:
        metrics |= coverage_metrics(fake_probabilities)
    return metrics


def _none_if_empty(array: np.ndarray) -> np.ndarray | None:
    return None if array.size == 0 else array


def evaluate_generator(
    generator: Any,
    train_images: np.ndarray,
    test_images: np.ndarray,
    config: EvaluateConfig,
    classifier: DomainClassifier | None = None,
    cache: Path | None = None,
    n_classes: int = 0,
) -> tuple[dict[str, Any], np.ndarray]:
    """Every metric of the fake samples and its floor; ``cache`` keeps the real-image parts.

    Every floor is measured at the sample counts of the value beside it: as many real
    training images as there are fakes (``min(evaluate.n_samples, n_train)``), against the
    same test images, so no generator can beat its floor by a sample-count artifact.
    """
    started = time.perf_counter()
    n = min(config.n_samples, len(train_images))
    n_fake = max(n, min(config.inception_samples, len(train_images)) if config.inception else 0)
    all_fakes = generate(generator, n_fake, config.seed, config.batch_size, n_classes)
    fakes = all_fakes[:n]
    generate_seconds = time.perf_counter() - started
    n_real = len(test_images)
    floor_train = train_images[:n_fake]
    data_key = (array_digest(floor_train), array_digest(test_images))

    def cached(kind: str, compute: Callable[[], Any], *key: Any) -> Any:
        if cache is None:
            return compute()
        name = make_key(kind, data_key, *key)
        if kind.endswith("features"):
            return cached_arrays(cache / f"{kind}-{name}.npz", compute)
        return cached_json(cache / f"{kind}-{name}.json", compute)

    # Label-free pixel space: needs no network, so it is comparable across any two runs.
    real_pixels = pixel_features(test_images)
    metrics: dict[str, Any] = {
        "sample_spread": pixel_spread(fakes),
        "sample_spread_floor": pixel_spread(floor_train[:n]),
        "fid_pixels": frechet_distance_of(pixel_features(fakes), real_pixels),
        "fid_pixels_floor": cached(
            "pixel-floor",
            lambda: {"fid": frechet_distance_of(pixel_features(floor_train[:n]), real_pixels)},
            n,
        )["fid"],
    }

    # Domain space: the fast metrics of every run.
    started = time.perf_counter()
    space = DomainSpace(classifier)

    def real_domain() -> dict[str, np.ndarray]:
        features, probabilities = space(test_images)
        empty = np.zeros(0, np.float32)
        return {
            "features": features,
            "probabilities": empty if probabilities is None else probabilities,
        }

    real = cached("domain-features", real_domain, space.key)
    real_pair = (real["features"], _none_if_empty(real["probabilities"]))
    settings = (config.nearest_k, config.kid_subsets, config.kid_subset_size, config.seed)
    floors = cached(
        "domain-floor",
        lambda: domain_metrics(floor_train[:n], real_pair, space, config),
        space.key,
        settings,
        n,
    )
    metrics |= domain_metrics(fakes, real_pair, space, config)
    metrics |= {f"{k}_floor": v for k, v in floors.items() if not k.endswith("_std")}
    if real_pair[1] is not None:
        metrics["classifier_test_accuracy"] = float(classifier.summary["test_accuracy"])
    else:
        metrics["label_metrics"] = NO_LABELS
        log.warning(NO_LABELS_WARNING)
    metrics["seconds_domain_metrics"] = time.perf_counter() - started
    metrics["seconds_generate"] = generate_seconds

    if config.inception:
        metrics |= inception_metrics(all_fakes, floor_train, test_images, config, cached)

    metrics |= {
        "n_fake": len(fakes),
        "n_real": int(n_real),
        "feature_space_domain": space.name,
        "feature_space_pixels": PIXEL_SPACE,
    }
    return metrics, fakes


def inception_metrics(
    all_fakes: np.ndarray,
    floor_train: np.ndarray,
    test_images: np.ndarray,
    config: EvaluateConfig,
    cached: Callable[..., Any],
) -> dict[str, Any]:
    """Standard FID/KID: ``inception_samples`` fakes (at most as many as training images)
    vs at most as many real test images; the floor is as many training images as fakes."""
    from ganops.evaluation.inception import EXTRACTOR_ID, InceptionFeatures

    extractor = InceptionFeatures(config.inception_batch_size)
    n_real = min(config.inception_samples, len(test_images))
    n_fake = min(config.inception_samples, len(floor_train))
    fakes = all_fakes[:n_fake]

    def features_of(images: np.ndarray, desc: str) -> Callable[[], dict[str, np.ndarray]]:
        return lambda: {"features": extractor(images, desc)}

    real = cached(
        "inception-features",
        features_of(test_images[:n_real], "inception: real test"),
        EXTRACTOR_ID,
        "test",
        n_real,
    )["features"]

    def floor() -> dict[str, float]:
        train = cached(
            "inception-features",
            features_of(floor_train[:n_fake], "inception: real train"),
            EXTRACTOR_ID,
            "train",
            n_fake,
        )["features"]
        kid, _ = kernel_distance(train, real, config.kid_subsets, config.kid_subset_size)
        return {"fid": frechet_distance_of(train, real), "kid": kid}

    settings = (n_fake, n_real, config.kid_subsets, config.kid_subset_size)  # the floor KID's too
    floors = cached("inception-floor", floor, EXTRACTOR_ID, *settings)
    started = time.perf_counter()
    fake = extractor(fakes, "inception: generated")
    seconds = time.perf_counter() - started
    kid, kid_std = kernel_distance(fake, real, config.kid_subsets, config.kid_subset_size)
    return {
        "fid_inception": frechet_distance_of(fake, real),
        "fid_inception_floor": floors["fid"],
        "kid_inception": kid,
        "kid_inception_std": kid_std,
        "kid_inception_floor": floors["kid"],
        "n_fake_inception": len(fakes),
        "n_real_inception": n_real,
        "inception_images_per_second": len(fakes) / seconds if seconds else 0.0,
        "feature_space_inception": (
            f"InceptionV3 pool3, 2048-d ({EXTRACTOR_ID}, {extractor.runtime})"
        ),
    }
