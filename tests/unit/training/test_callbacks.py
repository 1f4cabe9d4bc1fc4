"""The generator kept is the best by the quick metric, not the last, and stays so on resume."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from ganops.config import TrainConfig
from ganops.data.idx import read_split
from ganops.data.pipeline import ImageBatches
from ganops.training.callbacks import BEST_GENERATOR, TrainingCallbacks
from ganops.training.trainer import image_trainer
from tests.conftest import FIXTURES


def images() -> np.ndarray:
    return read_split(FIXTURES / "fashion-mnist", "train")[0][:64, ..., None]


def config(**changes: object) -> TrainConfig:
    values = {
        "batch_size": 32,
        "latent_dim": 8,
        "precision": "float32",
        "grid_size": 1,
        "snapshot_kimg": 0.001,  # an estimate at the end of every pass
        "best_min_kimg": 0.0,
    }
    return TrainConfig(**(values | changes))


def test_best_by_quality_is_kept_and_survives_resume(tmp_path: Path) -> None:
    scores = iter([3.0, 1.0, 2.0, 5.0])  # best at the 2nd estimate (epoch 2, step 4)
    seen: dict[int, list] = {}
    logged: list[tuple[int, float, bool]] = []

    def quality(generator: keras.Model) -> float:
        seen[len(seen) + 1] = generator.get_weights()
        return next(scores)

    class Recorder(TrainingCallbacks):
        def on_quality(self, step: int, value: float, best: bool) -> None:
            logged.append((step, value, best))

    def fit(epochs: int):
        trainer = image_trainer(config(epochs=epochs), (28, 28, 1))
        result = trainer.fit(ImageBatches(images(), 32, 0), tmp_path, Recorder(), quality=quality)
        return trainer, result

    _, first = fit(3)
    assert (first.best_step, first.best_quality) == (4, 1.0)
    _, resumed = fit(4)  # 5.0 at epoch 4 does not beat the restored best
    assert (resumed.best_step, resumed.best_quality) == (4, 1.0)
    assert [row[2] for row in logged] == [True, True, False, False]
    best = keras.saving.load_model(tmp_path / BEST_GENERATOR).get_weights()
    for a, b in zip(best, seen[2], strict=True):
        np.testing.assert_array_equal(a, b)
