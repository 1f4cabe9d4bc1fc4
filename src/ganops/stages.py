"""The pipeline's spine: one function per stage, shared by the CLI, ``dvc.yaml`` and Prefect.

Each stage reads its inputs from paths under ``RunPaths``, writes its outputs atomically, and
returns a small JSON-able summary. Heavy imports (TensorFlow, MLflow) happen inside the stage
that needs them so that validating parameters stays fast.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from ganops.config import Config
from ganops.errors import ConfigError, DataError
from ganops.paths import RunPaths, write_text_atomic

log = logging.getLogger(__name__)
SAMPLE_GRID = "samples.png"
INTERPOLATION = "interpolation.png"
CLASS_GRID = "per_class.png"


def prepare(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Raw files under ``data/`` -> ``prepared/{train,test}.npz`` and ``summary.json``."""
    if config.data.modality == "text":
        from ganops.data.text_prepare import prepare_text

        return prepare_text(config, project_root, paths.prepared)
    from ganops.data.prepare import prepare_images

    return prepare_images(config.data, project_root, paths.prepared)


def _prepared_summary(paths: RunPaths) -> dict[str, Any]:
    summary_path = paths.prepared / "summary.json"
    if not summary_path.is_file():
        raise DataError(f"{summary_path} not found", hint="run `ganops prepare` first")
    return json.loads(summary_path.read_text())


def train(
    config: Config, paths: RunPaths, project_root: Path, run_name: str | None = None
) -> dict[str, Any]:
    """Train the GAN; log losses and epoch grids to the pipeline's MLflow run."""
    if config.data.modality == "text":
        from ganops.text_stages import train_text

        return train_text(config, paths, project_root, run_name)
    from ganops.data.pipeline import ImageBatches
    from ganops.data.prepare import load_split
    from ganops.evaluation.pictures import save_grid
    from ganops.forms import run_label
    from ganops.tracking.registry import log_generator
    from ganops.train_run import TrainingJob, open_training_run, train_and_log
    from ganops.training.trainer import image_trainer

    summary = _prepared_summary(paths)
    image_shape = tuple(summary["image_shape"])
    if config.train.batch_size > summary["n_train"]:
        raise ConfigError(
            f"train.batch_size ({config.train.batch_size}) is larger than the training set "
            f"({summary['n_train']} images)",
            hint="lower train.batch_size or use more data",
        )
    run_id, resumed = open_training_run(
        config, paths, project_root, ("data", "train"), run_name or run_label(config)
    )
    train_split = load_split(paths.prepared / "train.npz")
    n_classes = int(summary.get("n_classes", 0)) if config.train.conditional else 0

    def make_job() -> TrainingJob:
        return TrainingJob(
            # The quick metric first: it may load the classifier before the GAN is built.
            quality=_quick_quality(config, paths, train_split.images, n_classes),
            trainer=image_trainer(config.train, image_shape, n_classes),
            source=ImageBatches(
                train_split.images,
                config.train.batch_size,
                config.train.seed,
                labels=train_split.labels if n_classes else None,
            ),
            write_samples=lambda epoch, grid: save_grid(
                grid, paths.samples / f"epoch_{epoch:03d}.png", columns=config.train.grid_size
            ),
            log_model=lambda: log_generator(
                paths.generator, image_shape, conditional=bool(n_classes)
            ),
            summary={"image_shape": list(image_shape)},
        )

    return train_and_log(config, paths, project_root, run_id, resumed, make_job)


def _quick_quality(config: Config, paths: RunPaths, train_images: Any, n_classes: int) -> Any:
    """The quick FID that picks the best generator (domain features if the run has the
    classifier, else pixels); None when ``train.quick_eval_samples`` is 0."""
    if not config.train.quick_eval_samples:
        return None
    from ganops.evaluation.classifier import load_classifier
    from ganops.evaluation.quick import QuickFid

    classifier = None
    if (paths.classifier / "summary.json").is_file():
        classifier = load_classifier(paths.classifier)
    return QuickFid(train_images, classifier, config.train.quick_eval_samples, n_classes)


def classifier(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Train the domain classifier of the evaluation metrics (cached per data version)."""
    if config.data.modality == "text":  # text metrics need no learned feature space
        paths.classifier.mkdir(parents=True, exist_ok=True)
        note = {"used": False, "reason": "text is measured on n-grams and BLEU"}
        write_text_atomic(paths.classifier / "summary.json", json.dumps(note, indent=2))
        return note
    from ganops.evaluation.classifier import ensure_classifier
    from ganops.evaluation.reference import cache_dir

    return ensure_classifier(
        config.classifier, paths.prepared, paths.classifier, cache_dir(project_root, "classifier")
    )


def evaluate(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Sample the generator and compare with the real test images; write ``metrics.json``
    and the pictures (sample grid, latent interpolation, per-class grid if conditional)."""
    if config.data.modality == "text":
        from ganops.text_stages import evaluate_text

        return evaluate_text(config, paths, project_root)
    from ganops.data.prepare import load_split
    from ganops.evaluation.classifier import load_classifier
    from ganops.evaluation.conditioning import is_conditional
    from ganops.evaluation.image_metrics import evaluate_generator
    from ganops.evaluation.pictures import class_grid_images, interpolation_images, save_grid
    from ganops.evaluation.reference import cache_dir
    from ganops.sampling import load_keras_generator
    from ganops.tracking.runs import continue_run, log_metrics, read_run_id

    run_id = read_run_id(paths.run_info)
    n_classes = int(_prepared_summary(paths).get("n_classes", 0))
    if not (paths.classifier / "summary.json").is_file():  # e.g. a Prefect run: cheap if cached
        classifier(config, paths, project_root)
    domain_classifier = load_classifier(paths.classifier)
    generator = load_keras_generator(paths.generator)
    train = load_split(paths.prepared / "train.npz")
    test = load_split(paths.prepared / "test.npz")
    metrics, fakes = evaluate_generator(
        generator,
        train.images,
        test.images,
        config.evaluate,
        domain_classifier,
        cache_dir(project_root, "evaluation"),
        n_classes,
    )
    paths.evaluation.mkdir(parents=True, exist_ok=True)
    pictures = [save_grid(fakes[:64], paths.evaluation / SAMPLE_GRID, columns=8)]
    steps = 10
    strip = interpolation_images(generator, 4, steps, config.evaluate.seed, n_classes)
    pictures.append(save_grid(strip, paths.evaluation / INTERPOLATION, columns=steps))
    if is_conditional(generator) and n_classes:
        grid = class_grid_images(generator, n_classes, 8, config.evaluate.seed)
        pictures.append(save_grid(grid, paths.evaluation / CLASS_GRID, columns=8))
    write_text_atomic(paths.metrics, json.dumps(metrics, indent=2))
    with continue_run(config, project_root, run_id) as client:
        numbers = [{"step": 0, **{k: v for k, v in metrics.items() if isinstance(v, float)}}]
        log_metrics(client, run_id, numbers, [k for k in numbers[0] if k != "step"])
        for picture in pictures:
            client.log_artifact(run_id, str(picture), "evaluation")
        client.log_artifact(run_id, str(paths.metrics), "evaluation")
        client.log_artifact(run_id, str(paths.classifier / "summary.json"), "classifier")
        client.set_tag(run_id, "ganops.feature_space_domain", metrics["feature_space_domain"])
    return metrics


def register(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Register the run's generator; alias ``candidate``; ``champion`` through the gate."""
    from ganops.tracking.registry import MODEL_ARTIFACT, register_generator
    from ganops.tracking.runs import (
        continue_run,
        data_hash,
        git_commit,
        read_run_id,
        tracking_uri,
    )
    from ganops.tracking.store_lock import store_lock

    run_id = read_run_id(paths.run_info)
    metrics = json.loads(paths.metrics.read_text()) if paths.metrics.is_file() else None
    if metrics is None:
        raise DataError(f"{paths.metrics} not found", hint="run `ganops evaluate` first")
    if config.register.metric not in metrics:
        raise ConfigError(
            f"register.metric: {config.register.metric!r} is not in {paths.metrics}",
            hint="allowed: "
            + ", ".join(sorted(k for k, v in metrics.items() if isinstance(v, float))),
        )
    # Read champion, compare, move alias: one atomic step even with concurrent runs.
    with (
        continue_run(config, project_root, run_id) as client,
        store_lock(tracking_uri(config, project_root)),
    ):
        decision = register_generator(
            client,
            f"runs:/{run_id}/{MODEL_ARTIFACT}",
            config.register,
            float(metrics[config.register.metric]),
            {
                "ganops.run_id": run_id,
                "ganops.data_md5": data_hash(project_root),
                "ganops.git_commit": git_commit(project_root),
            },
        )
        client.set_tag(run_id, "ganops.model_version", decision.version)
        client.set_tag(run_id, "ganops.gate_decision", decision.reason)
        client.set_tag(run_id, "ganops.gate_promoted", str(decision.promoted).lower())
    verdict = "champion" if decision.promoted else "candidate only"
    message = f"quality gate: {decision.model_name} v{decision.version} -> {verdict}: "
    log.info(message + decision.reason)
    print(message + decision.reason, file=sys.stderr)
    result = decision.as_dict() | {"run_id": run_id}
    write_text_atomic(paths.registration, json.dumps(result, indent=2))
    return result


STAGES = {
    "prepare": prepare,
    "classifier": classifier,
    "train": train,
    "evaluate": evaluate,
    "register": register,
}


def run_pipeline(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """All stages in order, in this process (the DVC and Prefect paths run the same)."""
    results: dict[str, Any] = {}
    for name, stage in STAGES.items():
        results[name] = stage(config, paths, project_root)
    return results
