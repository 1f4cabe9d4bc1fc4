"""The train stage's driver, shared by images and text.

What differs between modalities is gathered in a ``TrainingJob`` (the built trainer, its
batch source, the quick quality metric, how epoch samples are written and how the generator
is logged); everything else happens here once: stale checkpoints, the MLflow run, losses and
samples sent through a tracking outage, keeping the best generator, the loss plot and the
stage's summary.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ganops.config import Config
from ganops.paths import RunPaths, write_text_atomic


@dataclass
class TrainingJob:
    """One modality's part of a training run.

    ``write_samples(epoch, batch)`` writes the epoch's samples and returns the file;
    ``log_model()`` logs ``paths.generator`` (and what it needs) to the active MLflow run and
    returns its URI; ``unit`` names what a sample is in the throughput figures.
    """

    trainer: Any
    source: Any
    quality: Any
    write_samples: Callable[[int, Any], Path]
    log_model: Callable[[], str]
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


def open_training_run(
    config: Config, paths: RunPaths, project_root: Path, sections: tuple[str, ...], name: str
) -> tuple[str, bool]:
    """Drop checkpoints made with other settings; start (or find again) the MLflow run."""
    from ganops.tracking.runs import start_pipeline_run

    state = paths.train_state
    resumed = reset_stale_state(state, config.fingerprint(*sections))
    return start_pipeline_run(config, project_root, state / "run.json", name), resumed


def train_and_log(
    config: Config,
    paths: RunPaths,
    project_root: Path,
    run_id: str,
    resumed: bool,
    make_job: Callable[[], TrainingJob],
) -> dict[str, Any]:
    """Build the job inside the run, fit (resuming from checkpoints), keep the best
    generator, log everything; returns the stage's summary (also ``paths.run_info``)."""
    import keras
    import mlflow

    from ganops.evaluation.pictures import save_loss_plot
    from ganops.tracking.resilient import ResilientSender
    from ganops.tracking.runs import continue_run, log_metrics
    from ganops.training.loss_log import read_losses, write_losses
    from ganops.training.trainer import BEST_GENERATOR

    state = paths.train_state
    with continue_run(config, project_root, run_id) as client:
        job = make_job()
        # If the tracking server goes away mid-run, training goes on: rows wait in memory
        # (and are on disk in train_state/losses.tsv) and are sent when it is back.
        on_losses = ResilientSender(
            lambda rows: log_metrics(client, run_id, rows, ["d_loss", "g_loss"]), "loss"
        )
        send_samples = ResilientSender(
            lambda rows: [client.log_artifact(run_id, row["path"], "samples") for row in rows],
            "samples",
        )

        def on_epoch(epoch: int, batch: Any, losses: list[dict]) -> None:
            path = job.write_samples(epoch, batch)
            write_losses(state / "losses.tsv", losses)
            send_samples([{"path": str(path)}])

        quality = job.quality
        send_quality = ResilientSender(
            lambda rows: log_metrics(client, run_id, rows, [quality.name]), "quick-quality"
        )
        started = time.perf_counter()
        result = job.trainer.fit(
            job.source,
            state,
            on_losses,
            on_epoch,
            previous_losses=read_losses(state / "losses.tsv"),
            on_checkpoint=lambda losses: write_losses(state / "losses.tsv", losses),
            quality=quality,
            on_quality=(
                (lambda step, value, best: send_quality([{"step": step, quality.name: value}]))
                if quality
                else None
            ),
        )
        seconds = time.perf_counter() - started

        paths.model_dir.mkdir(parents=True, exist_ok=True)
        best = state / BEST_GENERATOR
        with keras_atomic(paths.generator) as tmp:
            if quality is not None and best.is_file():  # the best by the quick metric
                shutil.copyfile(best, tmp)
            else:
                keras.saving.save_model(job.trainer.sampling_generator, tmp)
        write_losses(paths.losses, result.losses)
        plot = save_loss_plot(result.losses, paths.root / "plots" / "losses.png")
        for sender in (on_losses, send_samples, send_quality):
            sender.close(str(paths.root))
        client.log_artifact(run_id, str(plot), "plots")
        client.log_artifact(run_id, str(paths.losses), "plots")
        trained_steps = result.steps - result.resumed_from_step  # in this attempt
        rate = round(trained_steps * config.train.batch_size / seconds, 1) if seconds else None
        summary = {
            "run_id": run_id,
            **job.summary,
            "latent_dim": config.train.latent_dim,
            "steps": result.steps,
            "epochs": result.epochs,
            "resumed": resumed,
            "resumed_from_epoch": result.resumed_from_epoch,
            "precision": result.precision,
            "best_step": result.best_step,
            "best_quality": result.best_quality,
            "seconds": round(seconds, 2),
            f"{job.unit}_per_second": rate,
        }
        mlflow.start_run(run_id=run_id)
        try:
            summary["model_uri"] = job.log_model()
            mlflow.log_metrics(
                {"train_seconds": seconds, f"train_{job.unit}_per_second": rate or 0}
            )
        finally:
            mlflow.end_run()
        write_text_atomic(paths.run_info, json.dumps(summary, indent=2))
    return summary


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
