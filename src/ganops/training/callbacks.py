"""The pieces of the training loop that are not the step: what the caller hears about
(``TrainingCallbacks``), when to stop (``TrainingBudget``), and which generator to keep
(``BestGeneratorKeeper``). Each keeps its state in checkpointed variables of the trainer, so
a resumed run continues them exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ganops.paths import atomic_path

LossRow = dict[str, float]
BEST_GENERATOR = "best_generator.keras"


class Quality(Protocol):
    """A quick quality estimate of a generator, lower is better (e.g. a quick FID)."""

    name: str

    def __call__(self, generator: Any) -> float: ...


class TrainingCallbacks:
    """What the loop tells its caller (in the spirit of Keras callbacks); every hook is
    optional. The train stage implements them with MLflow; tests with lists."""

    def on_losses(self, rows: list[LossRow]) -> None:
        """Every ``train.log_every_steps`` steps (and at each pass's end): the new rows."""

    def on_snapshot(self, epoch: int, samples: np.ndarray, losses: list[LossRow]) -> None:
        """Every ``train.snapshot_kimg`` (at the end of a pass) and at the end of training:
        the pass it happened in (1-based), the fixed-noise samples and every row so far."""

    def on_checkpoint(self, losses: list[LossRow]) -> None:
        """Right after a checkpoint was written: the rows it covers."""

    def on_quality(self, step: int, value: float, best: bool) -> None:
        """After each quick quality estimate; ``best`` when it is the best so far."""


class TrainingBudget:
    """When training stops: at the first of ``train.max_seconds`` of wall-clock training
    (tracing and checkpoints included), ``train.kimg`` thousand images shown to the
    discriminator, ``train.epochs`` passes or ``train.max_steps`` steps that is set (0 = not
    a limit). Every counter lives in a checkpointed variable, so the budget spans resumes."""

    def __init__(
        self,
        config: Any,
        step: Any,
        epoch: Any,
        trained_seconds: Any,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.config = config
        self.step, self.epoch, self.trained_seconds = step, epoch, trained_seconds
        self.clock = clock  # wall time; a benchmark on a shared machine may count CPU time
        self.last = clock()
        self.stopped_by = ""

    def tick(self) -> None:
        """Add the time since the last tick to the trained seconds."""
        now = self.clock()
        self.trained_seconds.assign_add(now - self.last)
        self.last = now

    def kimg(self) -> float:
        """Thousands of images shown to the discriminator so far."""
        return int(self.step.numpy()) * self.config.batch_size / 1000.0

    def used(self) -> dict[str, float]:
        """The share of each limit that is set, by its setting's name (1.0 = reached)."""
        config = self.config
        shares = {
            "max_seconds": float(self.trained_seconds.numpy()) / (config.max_seconds or 1),
            "kimg": self.kimg() / (config.kimg or 1),
            "epochs": int(self.epoch.numpy()) / (config.epochs or 1),
            "max_steps": int(self.step.numpy()) / (config.max_steps or 1),
        }
        return {name: share for name, share in shares.items() if getattr(config, name)}

    def progress(self) -> float:
        """How far along the binding limit is, 0..1."""
        return min(1.0, max(self.used().values(), default=0.0))

    def spent(self) -> bool:
        reached = [name for name, share in self.used().items() if share >= 1.0]
        if reached:
            self.stopped_by = reached[0]
        return bool(reached)


class BestGeneratorKeeper:
    """Scores the sampling generator with a quick quality metric and keeps the best one in
    ``state_dir/BEST_GENERATOR`` (GAN quality often collapses late). Estimates before
    ``min_step`` are logged but never kept: early on a quick metric cannot yet tell a good
    generator from a blank one. The best score and step live in the trainer's checkpointed
    variables."""

    def __init__(
        self,
        quality: Quality,
        state_dir: Path,
        best_score: Any,
        best_step: Any,
        on_quality: Callable[[int, float, bool], None],
        min_step: int = 0,
    ) -> None:
        self.quality = quality
        self.path = state_dir / BEST_GENERATOR
        self.best_score = best_score
        self.best_step = best_step
        self.on_quality = on_quality
        self.min_step = min_step

    def estimate(self, generator: Any, step: int) -> None:
        import keras

        value = float(self.quality(generator))
        better = (
            step >= self.min_step
            and math.isfinite(value)
            and value < float(self.best_score.numpy())
        )
        if better:  # written before the checkpoint that records it as the best
            with atomic_path(self.path) as tmp:
                keras.saving.save_model(generator, tmp)
            self.best_score.assign(value)
            self.best_step.assign(step)
        self.on_quality(step, value, better)
