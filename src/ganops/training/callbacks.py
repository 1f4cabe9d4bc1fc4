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
        """Every ``train.log_every_steps`` steps (and at each epoch's end): the new rows."""

    def on_epoch_end(self, epoch: int, samples: np.ndarray, losses: list[LossRow]) -> None:
        """After each complete epoch (1-based): the fixed-noise samples and every row so far."""

    def on_checkpoint(self, losses: list[LossRow]) -> None:
        """Right after a checkpoint was written: the rows it covers."""

    def on_quality(self, step: int, value: float, best: bool) -> None:
        """After each quick quality estimate; ``best`` when it is the best so far."""


class TrainingBudget:
    """When training stops: after ``train.epochs``, ``train.max_steps`` steps or
    ``train.max_seconds`` of wall-clock training (tracing and checkpoints included), whichever
    comes first. Seconds are kept in a checkpointed variable, so the budget spans resumes."""

    def __init__(self, config: Any, step: Any, trained_seconds: Any) -> None:
        self.config = config
        self.step = step
        self.trained_seconds = trained_seconds
        self.clock = time.perf_counter()
        self.stopped_by = "epochs"

    def tick(self) -> None:
        """Add the wall time since the last tick to the trained seconds."""
        now = time.perf_counter()
        self.trained_seconds.assign_add(now - self.clock)
        self.clock = now

    def spent(self) -> bool:
        if self.config.max_steps and int(self.step.numpy()) >= self.config.max_steps:
            self.stopped_by = "max_steps"
            return True
        if 0 < self.config.max_seconds <= float(self.trained_seconds.numpy()):
            self.stopped_by = "max_seconds"
            return True
        return False


class BestGeneratorKeeper:
    """Scores the sampling generator with a quick quality metric and keeps the best one in
    ``state_dir/BEST_GENERATOR`` (GAN quality often collapses late). The best score and step
    live in the trainer's checkpointed variables."""

    def __init__(
        self,
        quality: Quality,
        state_dir: Path,
        best_score: Any,
        best_step: Any,
        on_quality: Callable[[int, float, bool], None],
    ) -> None:
        self.quality = quality
        self.path = state_dir / BEST_GENERATOR
        self.best_score = best_score
        self.best_step = best_step
        self.on_quality = on_quality

    def estimate(self, generator: Any, step: int) -> None:
        import keras

        value = float(self.quality(generator))
        better = math.isfinite(value) and value < float(self.best_score.numpy())
        if better:  # written before the checkpoint that records it as the best
            with atomic_path(self.path) as tmp:
                keras.saving.save_model(generator, tmp)
            self.best_score.assign(value)
            self.best_step.assign(step)
        self.on_quality(step, value, better)
