"""The trainer: steps, epoch and mid-epoch checkpoints and resumes, budgets, divergence; its core
is modality-agnostic (a (B, L, V) softmax generator and a critic over one-hot sequences train
with every loss and penalty); a conditional pair of each architecture trains one step."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from ganops.config import TrainConfig
from ganops.data.idx import read_split
from ganops.data.pipeline import ImageBatches
from ganops.errors import TrainingError
from ganops.training.callbacks import TrainingCallbacks
from ganops.training.trainer import GanTrainer, LatentSpec, image_trainer
from tests.conftest import FIXTURES
from tests.unit.models.helpers import MODULES


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


LENGTH, VOCAB, LATENT = 6, 5, 8


def sequence_models() -> tuple[keras.Model, keras.Model]:
    z = keras.Input((LATENT,))
    logits = layers.Reshape((LENGTH, VOCAB))(layers.Dense(LENGTH * VOCAB)(z))
    generator = keras.Model(z, layers.Softmax(dtype="float32")(logits))
    text = keras.Input((LENGTH, VOCAB))
    score = layers.Dense(1, dtype="float32")(layers.Flatten()(layers.Conv1D(4, 3)(text)))
    return generator, keras.Model(text, score)


class OneHotBatches:
    """Random one-hot sequences; the order depends only on the epoch."""

    steps_per_epoch = 4

    def __call__(self, epoch: int) -> tf.data.Dataset:
        rng = np.random.default_rng(epoch)
        tokens = rng.integers(0, VOCAB, (self.steps_per_epoch * 8, LENGTH))
        onehot = np.eye(VOCAB, dtype="float32")[tokens]
        return tf.data.Dataset.from_tensor_slices(onehot).batch(8)


def config(**changes: object) -> TrainConfig:
    values = {"epochs": 2, "batch_size": 8, "latent_dim": LATENT, "grid_size": 2, **changes}
    return TrainConfig(precision="float32", **values)


def trainer(cfg: TrainConfig) -> GanTrainer:
    keras.utils.set_random_seed(cfg.seed)
    return GanTrainer(cfg, *sequence_models(), LatentSpec((LATENT,)))


@pytest.mark.parametrize(
    "changes",
    [
        {"loss": "wgan_gp", "d_steps": 2},
        {"loss": "wgan"},
        {"loss": "hinge", "r1_gamma": 1.0},
        {"loss": "least_squares", "optimizer": "sgd"},
        {"loss": "minimax", "ema_decay": 0.9},
    ],
)
def test_rank3_one_hot_data_trains_with_each_loss(changes: dict, tmp_path: Path) -> None:
    model = trainer(config(**changes))
    before = [w.copy() for w in model.generator.get_weights()]
    result = model.fit(OneHotBatches(), tmp_path)
    assert result.steps == 8
    assert all(np.isfinite(row["d_loss"]) for row in result.losses)
    after = model.generator.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(before, after, strict=True))
    assert model.grid().shape == (4, LENGTH, VOCAB)
    if changes.get("ema_decay"):  # the averaged generator is the one sampled and saved
        assert model.sampling_generator is model.ema.model
        averaged = model.sampling_generator.get_weights()
        assert any(not np.allclose(a, b) for a, b in zip(averaged, after, strict=True))
    if changes["loss"] == "wgan":  # the critic is clipped after every step
        weights = model.discriminator.trainable_variables
        assert max(float(tf.reduce_max(tf.abs(w))) for w in weights) <= 0.01 + 1e-7


def test_d_steps_updates_the_generator_every_nth_batch(tmp_path: Path) -> None:
    model = trainer(config(d_steps=3, epochs=1))
    result = model.fit(OneHotBatches(), tmp_path)
    assert int(model.g_optimizer.iterations.numpy()) == 1  # batches 3 of 4
    assert int(model.d_optimizer.iterations.numpy()) == 4
    assert result.steps == 4


def test_mid_epoch_checkpoint_resumes_to_the_same_weights(tmp_path: Path) -> None:
    cfg = config(checkpoint_every_steps=3, loss="wgan_gp", ema_decay=0.9)
    straight = trainer(cfg)
    straight.fit(OneHotBatches(), tmp_path / "straight")

    interrupted = trainer(cfg.model_copy(update={"max_steps": 5}))
    assert interrupted.fit(OneHotBatches(), tmp_path / "resumed").steps == 5  # mid-epoch 2
    resumed = trainer(cfg)
    result = resumed.fit(OneHotBatches(), tmp_path / "resumed")
    assert result.resumed_from_step == 5 and result.steps == 8
    for model in ("generator", "discriminator", "sampling_generator"):
        expected = getattr(straight, model).get_weights()
        got = getattr(resumed, model).get_weights()
        for a, b in zip(expected, got, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("architecture", sorted(MODULES))
def test_conditional_pair_trains_one_step(architecture: str) -> None:
    config = TrainConfig(
        architecture=architecture,
        conditional=True,
        precision="float32",
        latent_dim=8,
        batch_size=4,
        grid_size=2,
    )
    trainer = image_trainer(config, (28, 28, 1), n_classes=10)
    real = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    labels = np.array([1, 2, 3, 4], "int32")
    d_loss, g_loss = trainer.train_step((real, labels))
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    assert trainer.grid().shape == (4, 28, 28, 1)
