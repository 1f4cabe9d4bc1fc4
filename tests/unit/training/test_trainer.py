from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from ganops.config import TrainConfig
from ganops.data.idx import read_split
from ganops.data.pipeline import ImageBatches
from ganops.errors import TrainingError
from ganops.training.callbacks import TrainingCallbacks
from ganops.training.losses import non_saturating_d_loss, non_saturating_g_loss
from ganops.training.trainer import image_trainer
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return read_split(FIXTURES / "fashion-mnist", "train")[0][:128, ..., None]


def batches(images: np.ndarray, batch_size: int = 32) -> ImageBatches:
    return ImageBatches(images, batch_size, seed=42)


def small_config(**changes: object) -> TrainConfig:
    values = {
        "epochs": 1,
        "batch_size": 32,
        "latent_dim": 16,
        "precision": "float32",
        "grid_size": 2,
        "ema_decay": 0.0,
        "snapshot_kimg": 0.001,  # a snapshot (and checkpoint) at the end of every pass
        **changes,
    }
    return TrainConfig(**values)


@pytest.fixture(autouse=True)
def _float32_policy():
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_non_saturating_losses_match_hand_computed_values() -> None:
    real = np.array([[0.0], [2.0]], "float32")
    fake = np.array([[0.0], [-1.0]], "float32")
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    expected_d = np.mean(softplus(-real)) + np.mean(softplus(fake))
    expected_g = np.mean(softplus(-fake))
    assert float(non_saturating_d_loss(real, fake)) == pytest.approx(expected_d, rel=1e-6)
    assert float(non_saturating_g_loss(fake)) == pytest.approx(expected_g, rel=1e-6)


def test_one_step_updates_both_networks(images: np.ndarray) -> None:
    trainer = image_trainer(small_config(), (28, 28, 1))
    before_g = [w.copy() for w in trainer.generator.get_weights()]
    before_d = [w.copy() for w in trainer.discriminator.get_weights()]
    real = (images[:32].astype("float32") / 127.5) - 1.0
    d_loss, g_loss = trainer.train_step(real)
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    assert any(
        not np.allclose(a, b)
        for a, b in zip(before_g, trainer.generator.get_weights(), strict=True)
    )
    assert any(
        not np.allclose(a, b)
        for a, b in zip(before_d, trainer.discriminator.get_weights(), strict=True)
    )


def test_fit_checkpoints_each_epoch_and_resumes(images: np.ndarray, tmp_path: Path) -> None:
    grids: list[int] = []
    first = image_trainer(small_config(epochs=1), (28, 28, 1))

    class Grids(TrainingCallbacks):
        def on_snapshot(self, epoch: int, samples: np.ndarray, losses: list) -> None:
            grids.append(epoch)

    result = first.fit(batches(images), tmp_path, Grids())
    assert result.steps == 4 and result.epochs == 1 and grids == [1]
    assert (tmp_path / "checkpoint").is_file()

    # The same config asking for 2 epochs continues from epoch 1 instead of starting over.
    second = image_trainer(small_config(epochs=2), (28, 28, 1))
    resumed = second.fit(batches(images), tmp_path, previous_losses=result.losses)
    assert resumed.resumed_from_epoch == 1
    assert resumed.steps == 8
    assert [row["step"] for row in resumed.losses] == list(range(1, 9))


def test_max_steps_stops_early(images: np.ndarray, tmp_path: Path) -> None:
    result = image_trainer(small_config(max_steps=3), (28, 28, 1)).fit(batches(images), tmp_path)
    assert result.steps == 3


def test_max_seconds_stops_mid_epoch_and_the_budget_spans_resumes(
    images: np.ndarray, tmp_path: Path
) -> None:
    # The first step (tracing included) takes far longer than a millisecond.
    config = small_config(epochs=3, max_seconds=0.001)
    first = image_trainer(config, (28, 28, 1)).fit(batches(images), tmp_path)
    assert first.steps == 1 and first.epochs == 0, "stopped after one step, mid-epoch"
    # Rerun with the same budget: it is already spent, so no step is trained.
    again = image_trainer(config, (28, 28, 1)).fit(batches(images), tmp_path)
    assert again.steps == 1 and again.resumed_from_step == 1
    # A larger budget continues from the checkpointed position and clock.
    more = image_trainer(small_config(epochs=3, max_seconds=3600), (28, 28, 1))
    finished = more.fit(batches(images), tmp_path)
    assert finished.steps == 12 and finished.epochs == 3
    assert float(more.trained_seconds.numpy()) > 0


def test_diverging_loss_names_the_step(images: np.ndarray, tmp_path: Path) -> None:
    trainer = image_trainer(small_config(), (28, 28, 1))
    trainer.d_loss_fn = lambda real, fake: np.float32(np.nan) + 0 * real[0, 0]
    with pytest.raises(TrainingError, match="loss diverged at step 1"):
        trainer.fit(batches(images), tmp_path)
    assert not (tmp_path / "checkpoint").exists(), "no checkpoint of a diverged state"


def test_an_unreadable_newest_checkpoint_falls_back_to_the_previous(
    images: np.ndarray, tmp_path: Path
) -> None:
    image_trainer(small_config(epochs=2), (28, 28, 1)).fit(batches(images), tmp_path)
    newest = sorted(tmp_path.glob("ckpt-2.data-*"))
    assert newest, "epoch 2 checkpoint written"
    for path in newest:  # a torn write: the data file of the newest checkpoint is damaged
        path.write_bytes(path.read_bytes()[:100])
    trainer = image_trainer(small_config(epochs=2), (28, 28, 1))
    assert trainer.restore(tmp_path) == 1


def test_no_readable_checkpoint_is_a_clear_error(images: np.ndarray, tmp_path: Path) -> None:
    from ganops.errors import DataError

    image_trainer(small_config(epochs=1), (28, 28, 1)).fit(batches(images), tmp_path)
    for path in tmp_path.glob("ckpt-*"):
        path.write_bytes(b"")
    with pytest.raises(DataError, match="no readable checkpoint"):
        image_trainer(small_config(epochs=1), (28, 28, 1)).restore(tmp_path)
