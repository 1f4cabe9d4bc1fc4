"""The train stage's driver, shared by every modality.

What differs between modalities is gathered in a ``TrainingJob`` (the built trainer, its batch
source, the quick quality metric and how epoch samples are written), which the modality builds;
everything else happens here once: stale checkpoints, the MLflow run, losses and samples sent
through a tracking outage, keeping the best generator, the loss plot, logging the model and the
stage's summary.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ganops.config import Config
from ganops.paths import RunPaths, write_text_atomic
from ganops.training.callbacks import TrainingCallbacks

if TYPE_CHECKING:
    import numpy as np
    from mlflow.tracking import MlflowClient

    from ganops.modalities import Modality
    from ganops.training.callbacks import LossRow, Quality
    from ganops.training.trainer import BatchSource, GanTrainer, TrainResult


@dataclass
class TrainingJob:
    """One modality's part of a training run.

    ``write_samples(epoch, samples)`` writes an epoch's fixed-noise samples and returns the
    file; ``unit`` names what one sample is in the throughput figures; ``summary`` adds
    modality facts to the stage's summary.
    """

    trainer: GanTrainer
    source: BatchSource
    quality: Quality | None
    write_samples: Callable[[int, np.ndarray], Path]
    unit: str = "images"
    summary: dict[str, Any] = field(default_factory=dict)


def reset_stale_state(state_dir: Path, fingerprint: str) -> bool:
    """Keep checkpoints only if they were made with the same data and train settings."""
    marker = state_dir / "fingerprint.txt"
    if state_dir.exists() and (not marker.is_file() or marker.read_text() != fingerprint):
        shutil.rmtree(state_dir)
    resumed = state_dir.exists()
    state_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(marker, fingerprint)
    return resumed


def _log_samples(client: MlflowClient, run_id: str, path: str, step: int) -> None:
    """A snapshot's samples as a run artifact; a picture also as an image at its step, which
    the MLflow UI steps through with a slider (training progress at a glance)."""
    client.log_artifact(run_id, path, "samples")
    if path.endswith(".png"):
        from PIL import Image

        with Image.open(path) as picture:
            client.log_image(run_id, picture.copy(), key="samples", step=int(step))


class TrackedCallbacks(TrainingCallbacks):
    """The trainer's callbacks, sent to the MLflow run. If the tracking server goes away
    mid-run, training goes on: rows wait in memory (the losses are also on disk in
    ``train_state/losses.tsv``) and are sent when it is back."""

    def __init__(self, client: MlflowClient, run_id: str, job: TrainingJob, state: Path) -> None:
        from ganops.tracking.resilient import ResilientSender
        from ganops.tracking.runs import log_metrics
        from ganops.training.loss_log import write_losses

        self.job, self.losses_file, self.write_losses = job, state / "losses.tsv", write_losses
        self.on_losses = ResilientSender(
            lambda rows: log_metrics(client, run_id, rows, ["d_loss", "g_loss"]), "loss"
        )
        self.send_samples = ResilientSender(
            lambda rows: [_log_samples(client, run_id, row["path"], row["step"]) for row in rows],
            "samples",
        )
        name = job.quality.name if job.quality else ""
        self.send_quality = ResilientSender(
            lambda rows: log_metrics(client, run_id, rows, [name]), "quick-quality"
        )
        self.quality_name = name

    def on_snapshot(self, epoch: int, samples: np.ndarray, losses: list[LossRow]) -> None:
        path = self.job.write_samples(epoch, samples)
        self.write_losses(self.losses_file, losses)
        step = losses[-1]["step"] if losses else 0
        self.send_samples([{"path": str(path), "step": step}])

    def on_checkpoint(self, losses: list[LossRow]) -> None:
        self.write_losses(self.losses_file, losses)

    def on_quality(self, step: int, value: float, best: bool) -> None:
        self.send_quality([{"step": step, self.quality_name: value}])

    def close(self, saved_where: str) -> None:
        for sender in (self.on_losses, self.send_samples, self.send_quality):
            sender.close(saved_where)


def train(
    config: Config, paths: RunPaths, project_root: Path, modality: Modality, run_name: str
) -> dict[str, Any]:
    """Build the modality's job, fit it (resuming from checkpoints) inside the pipeline's
    MLflow run, keep the best generator, log everything; returns the stage's summary (also
    written to ``paths.run_info``)."""
    from ganops.tracking.runs import continue_run, start_pipeline_run, system_metrics
    from ganops.training.distribute import barrier, is_chief, resolve_strategy
    from ganops.training.loss_log import read_losses

    # The strategy before any other TensorFlow op: the multi-worker one configures the
    # runtime's collective ops, which TensorFlow allows only before it starts.
    strategy = resolve_strategy(config.train.strategy)
    # The job first: what only the data can refuse (a batch larger than the training set)
    # is refused before anything is written.
    job = modality.training_job(config, paths)
    state = paths.train_state
    if not is_chief(strategy):
        return _train_as_worker(job, state, strategy)
    resumed = reset_stale_state(state, config.fingerprint(*modality.train_sections))
    barrier(strategy)  # the other workers restore only after stale checkpoints are gone
    run_id = start_pipeline_run(config, project_root, state / "run.json", run_name)
    with continue_run(config, project_root, run_id) as client:
        callbacks = TrackedCallbacks(client, run_id, job, state)
        started = time.perf_counter()
        with system_metrics(run_id, config.tracking_uri(project_root)):
            result = job.trainer.fit(
                job.source,
                state,
                callbacks,
                previous_losses=read_losses(state / "losses.tsv"),
                quality=job.quality,
            )
        seconds = time.perf_counter() - started
        _save_generator(job, paths, state)
        summary = _summary(config, modality, job, result, run_id, resumed, seconds)
        _log_outputs(client, run_id, paths, result, callbacks, job, summary)
        write_text_atomic(paths.run_info, json.dumps(summary, indent=2))
    return summary


def _train_as_worker(job: TrainingJob, state: Path, strategy: Any) -> dict[str, Any]:
    """A non-chief worker of a cluster: the same steps in lockstep with the chief (its
    replicas compute a share of every batch), restoring from the chief's ``state`` folder
    (shared storage) and writing nothing under ``--out``: no MLflow run, samples, losses or
    model; its checkpoints go to a temporary folder (``TrainingLoop.fit``)."""
    import logging

    from ganops.training.distribute import barrier, task_name

    barrier(strategy)  # after the chief has cleared stale checkpoints
    logging.getLogger(__name__).info(
        "%s trains with the chief; only the chief writes outputs", task_name(strategy)
    )
    result = job.trainer.fit(job.source, state)
    return {
        "task": task_name(strategy),
        "chief": False,
        "steps": result.steps,
        "epochs": result.epochs,
        "resumed_from_step": result.resumed_from_step,
        "stopped_by": result.stopped_by,
    }


def _save_generator(job: TrainingJob, paths: RunPaths, state: Path) -> None:
    """The generator to evaluate and register: the best by the quick metric, else the last."""
    import keras

    from ganops.training.callbacks import BEST_GENERATOR

    paths.model_dir.mkdir(parents=True, exist_ok=True)
    best = state / BEST_GENERATOR
    with keras_atomic(paths.generator) as tmp:
        if job.quality is not None and best.is_file():
            shutil.copyfile(best, tmp)
        else:
            keras.saving.save_model(job.trainer.sampling_generator, tmp)


def _summary(
    config: Config,
    modality: Modality,
    job: TrainingJob,
    result: TrainResult,
    run_id: str,
    resumed: bool,
    seconds: float,
) -> dict[str, Any]:
    trained_steps = result.steps - result.resumed_from_step  # in this attempt
    rate = round(trained_steps * config.train.batch_size / seconds, 1) if seconds else None
    return {
        "run_id": run_id,
        "modality": modality.name,
        **job.summary,
        **job.trainer.summary(),
        "latent_dim": config.train.latent_dim,
        "steps": result.steps,
        "epochs": result.epochs,
        "kimg": round(result.kimg, 2),
        "stopped_by": result.stopped_by,
        "resumed": resumed,
        "resumed_from_epoch": result.resumed_from_epoch,
        "resumed_from_step": result.resumed_from_step,
        "precision": result.precision,
        "precision_probe": probe.describe() if (probe := job.trainer.precision_probe) else None,
        "best_step": result.best_step,
        "best_quality": result.best_quality,
        "seconds": round(seconds, 2),
        f"{job.unit}_per_second": rate,
    }


def _log_outputs(
    client: MlflowClient,
    run_id: str,
    paths: RunPaths,
    result: TrainResult,
    callbacks: TrackedCallbacks,
    job: TrainingJob,
    summary: dict[str, Any],
) -> None:
    """The loss table and plot, the training time and rate, and the precision with the
    speeds it was chosen by (the model itself is logged by the register stage, once it has
    been measured)."""
    from ganops.evaluation.pictures import save_loss_plot
    from ganops.tracking.runs import log_metrics
    from ganops.training.loss_log import write_losses

    write_losses(paths.losses, result.losses)
    plot = save_loss_plot(result.losses, paths.loss_plot)
    callbacks.close(str(paths.root))
    client.log_artifact(run_id, str(plot), "plots")
    client.log_artifact(run_id, str(paths.losses), "plots")
    rate = f"{job.unit}_per_second"
    numbers = {"step": 0, "train_seconds": summary["seconds"], f"train_{rate}": summary[rate] or 0}
    log_metrics(client, run_id, [numbers], ["train_seconds", f"train_{rate}"])
    client.set_tag(run_id, "ganops.precision", summary["precision_probe"] or summary["precision"])


class keras_atomic:
    """Write a ``.keras`` file atomically; Keras insists on the suffix, so the temporary
    file keeps it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.tmp = target.with_name(f".{target.stem}.partial.keras")

    def __enter__(self) -> Path:
        self.tmp.unlink(missing_ok=True)
        return self.tmp

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.tmp.replace(self.target)
        else:
            self.tmp.unlink(missing_ok=True)
