"""The domain classifier: a small CNN trained on the dataset's own labels.

Its penultimate layer (``features``) is the feature space of the fast "domain" metrics (FID,
KID, precision/recall), and its class probabilities give class coverage and the classifier
score, as TF-GAN does with its MNIST classifier. Trained once per data version and classifier
settings: a content-keyed copy in the project's cache serves later runs (Prefect runs included).
Datasets without labels get no classifier; evaluation then uses a label-free feature space.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ganops.config import ClassifierConfig
from ganops.evaluation.feature_cache import array_digest, make_key
from ganops.evaluation.features import to_unit_interval
from ganops.paths import write_text_atomic

log = logging.getLogger(__name__)

MODEL_FILE, SUMMARY_FILE = "classifier.keras", "summary.json"
FEATURE_LAYER = "features"
ARCHITECTURE = "cnn-v4"  # bump when the network changes, so cached classifiers are retrained


def has_labels(labels: np.ndarray | None) -> bool:
    """Labels exist when there is one per image and none is negative (-1 marks "unlabelled")."""
    return labels is not None and labels.size > 0 and bool((labels >= 0).all())


def build_classifier(image_shape: tuple[int, ...], n_classes: int, config: ClassifierConfig) -> Any:
    import keras
    from keras import layers

    inputs = keras.Input(image_shape, name="image")
    x = inputs
    for filters, pool in ((32, True), (64, True), (128, False)):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        x = layers.ReLU()(x)
        if pool:
            x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    features = layers.Dense(config.feature_dim, activation="relu", name=FEATURE_LAYER)(x)
    x = layers.Dropout(0.3)(features)
    outputs = layers.Dense(n_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="domain_classifier")


def train_classifier(
    train_images: np.ndarray,
    train_labels: np.ndarray,
    test_images: np.ndarray,
    test_labels: np.ndarray,
    config: ClassifierConfig,
    out_dir: Path,
) -> dict[str, Any]:
    """Fit, measure test accuracy, save ``classifier.keras`` and ``summary.json``."""
    import keras

    keras.utils.set_random_seed(config.seed)
    n_classes = int(max(train_labels.max(), test_labels.max()) + 1)
    model = build_classifier(train_images.shape[1:], n_classes, config)
    steps_per_epoch = -(-len(train_images) // config.batch_size)
    # Small datasets get more passes: a handful of steps trains no usable feature space.
    epochs = max(config.epochs, -(-config.min_steps // steps_per_epoch))
    steps = epochs * steps_per_epoch
    # Cosine decay to zero: the last epochs settle instead of ending on a noisy step.
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    started = time.perf_counter()

    def report(epoch: int, logs: dict) -> None:
        if epochs > 10 and (epoch + 1) % -(-epochs // 10) and epoch + 1 < epochs:
            return  # about ten lines, whatever the number of passes
        log.info(
            "classifier epoch %d/%d: loss %.4f, accuracy %.4f (%.0f s)",
            epoch + 1,
            epochs,
            logs["loss"],
            logs["accuracy"],
            time.perf_counter() - started,
        )

    history = model.fit(
        to_unit_interval(train_images),
        train_labels,
        batch_size=config.batch_size,
        epochs=epochs,
        shuffle=True,
        verbose=0,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=report)],
    )
    seconds = time.perf_counter() - started
    _, test_accuracy = model.evaluate(
        to_unit_interval(test_images), test_labels, batch_size=1000, verbose=0
    )
    # One fixed scale per classifier: features / scale have mean squared entry 1 on the real
    # test images, so domain FID/KID do not depend on the network's arbitrary feature scale
    # and KID's kernel (x.y/d + 1)^3 stays well conditioned.
    features_model = keras.Model(model.inputs, model.get_layer(FEATURE_LAYER).output)
    features = features_model.predict(to_unit_interval(test_images), batch_size=1000, verbose=0)
    feature_scale = float(np.sqrt(np.mean(np.square(features)))) or 1.0
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{MODEL_FILE}.partial.keras"
    keras.saving.save_model(model, tmp)
    tmp.replace(out_dir / MODEL_FILE)
    summary = {
        "test_accuracy": round(float(test_accuracy), 5),
        "train_accuracy": round(float(history.history["accuracy"][-1]), 5),
        "n_train": len(train_images),
        "n_test": len(test_images),
        "n_classes": n_classes,
        "feature_dim": config.feature_dim,
        "feature_scale": feature_scale,
        "epochs": epochs,
        "seconds": round(seconds, 1),
        "architecture": ARCHITECTURE,
    }
    return summary


def classifier_key(
    train_images: np.ndarray,
    train_labels: np.ndarray,
    test_images: np.ndarray,
    config: ClassifierConfig,
) -> str:
    return make_key(
        ARCHITECTURE,
        config.model_dump(mode="json"),
        array_digest(train_images, train_labels),
        array_digest(test_images),
    )


def ensure_classifier(
    config: ClassifierConfig, prepared: Path, out_dir: Path, cache: Path
) -> dict[str, Any]:
    """Train the classifier into ``out_dir`` unless the cache holds one for this data and config.

    Returns the summary (with ``skipped`` and a reason for data without labels).
    """
    from ganops.data.prepare import load_split

    train = load_split(prepared / "train.npz")
    test = load_split(prepared / "test.npz")
    key = classifier_key(train.images, train.labels, test.images, config)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    if not (has_labels(train.labels) and has_labels(test.labels)):
        summary = {
            "skipped": True,
            "reason": "the dataset has no labels: domain metrics use label-free pixel features "
            "and class coverage is not measured",
            "key": key,
        }
        log.warning("domain classifier skipped: %s", summary["reason"])
    else:
        cached = cache / key
        if (cached / MODEL_FILE).is_file() and (cached / SUMMARY_FILE).is_file():
            summary = json.loads((cached / SUMMARY_FILE).read_text()) | {"cached": True}
            shutil.copy2(cached / MODEL_FILE, out_dir / MODEL_FILE)
        else:
            summary = train_classifier(
                train.images, train.labels, test.images, test.labels, config, out_dir
            )
            summary["key"] = key
            cached.mkdir(parents=True, exist_ok=True)
            shutil.copy2(out_dir / MODEL_FILE, cached / MODEL_FILE)
            write_text_atomic(cached / SUMMARY_FILE, json.dumps(summary, indent=2))
            summary["cached"] = False
        log.info("domain classifier: test accuracy %.4f", summary["test_accuracy"])
    write_text_atomic(out_dir / SUMMARY_FILE, json.dumps(summary, indent=2))
    return summary


@dataclass
class DomainClassifier:
    """Features (penultimate layer) and class probabilities of images, in batches."""

    model: Any  # keras.Model with outputs [features, probabilities]
    summary: dict[str, Any]

    @property
    def feature_scale(self) -> float:
        return float(self.summary.get("feature_scale", 1.0))

    @property
    def feature_dim(self) -> int:
        return int(self.model.outputs[0].shape[-1])

    def features_and_probabilities(
        self, images: np.ndarray, batch_size: int = 1000
    ) -> tuple[np.ndarray, np.ndarray]:
        from ganops.models.inference import infer

        features, probabilities = [], []
        for start in range(0, len(images), batch_size):
            batch = to_unit_interval(images[start : start + batch_size])
            f, p = infer(self.model, batch)
            features.append(np.asarray(f, np.float32) / self.feature_scale)
            probabilities.append(np.asarray(p, np.float32))
        return np.concatenate(features), np.concatenate(probabilities)


def load_classifier(folder: Path) -> DomainClassifier | None:
    """The trained classifier in ``folder``; None when it was skipped (no labels)."""
    import keras

    from ganops.errors import DataError

    summary_path = folder / SUMMARY_FILE
    if not summary_path.is_file():
        raise DataError(f"{folder}: no domain classifier", hint="run `ganops classifier` first")
    summary = json.loads(summary_path.read_text())
    if summary.get("skipped"):
        return None
    model = keras.saving.load_model(folder / MODEL_FILE, compile=False)
    both = keras.Model(model.inputs, [model.get_layer(FEATURE_LAYER).output, model.outputs[0]])
    return DomainClassifier(both, summary)
