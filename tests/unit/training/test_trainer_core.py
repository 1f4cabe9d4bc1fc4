"""The trainer core is modality-agnostic: a (B, L, V) softmax generator and a critic over
one-hot sequences train with every loss and penalty; mid-epoch checkpoints resume exactly."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from ganops.config import TrainConfig
from ganops.training.trainer import GanTrainer, LatentSpec

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
