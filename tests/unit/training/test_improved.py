"""The improved techniques inside the real training step (tiny sizes)."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from ganops.config import Config, TrainConfig
from ganops.data.idx import read_split
from ganops.data.pipeline import ImageBatches
from ganops.training.trainer import image_trainer
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return read_split(FIXTURES / "fashion-mnist", "train")[0][:64, ..., None]


@pytest.fixture(autouse=True)
def _float32_policy():
    yield
    keras.mixed_precision.set_global_policy("float32")


def small_config(**improved: object) -> TrainConfig:
    return TrainConfig(
        epochs=1,
        batch_size=32,
        latent_dim=16,
        precision="float32",
        grid_size=2,
        ema_decay=0.0,
        improved=improved,
    )


def test_every_technique_is_off_by_default() -> None:
    improved = Config().train.improved
    assert improved.label_smoothing == 0 and improved.historical_averaging == 0
    assert improved.feature_matching == "none" and improved.minibatch == "none"
    trainer = image_trainer(small_config(), (28, 28, 1))
    assert trainer.improved.checkpointed() == {}
    assert trainer.improved.discriminator_with_features is None
    assert not any("minibatch" in layer.name for layer in trainer.discriminator.layers)


@pytest.mark.parametrize(
    "improved",
    [
        {"label_smoothing": 0.1},
        {"feature_matching": "added", "feature_matching_weight": 10.0},
        {"feature_matching": "alone"},
        {"minibatch": "stddev"},
        {"minibatch": "discrimination"},
        {"historical_averaging": 0.01},
    ],
    ids=lambda d: "-".join(f"{k}={v}" for k, v in d.items()),
)
def test_one_step_with_each_technique(images: np.ndarray, improved: dict) -> None:
    trainer = image_trainer(small_config(**improved), (28, 28, 1))
    before_g = [w.copy() for w in trainer.generator.get_weights()]
    before_d = [w.copy() for w in trainer.discriminator.get_weights()]
    real = images[:32].astype("float32") / 127.5 - 1.0
    d_loss, g_loss = trainer.train_step(real)
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    for before, model in ((before_g, trainer.generator), (before_d, trainer.discriminator)):
        changed = [not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True)]
        assert all(changed) if "minibatch" in improved else any(changed)


def test_feature_matching_alone_is_the_weighted_feature_distance(images: np.ndarray) -> None:
    from ganops.training.feature_matching import feature_matching_loss

    trainer = image_trainer(
        small_config(feature_matching="alone", feature_matching_weight=3.0), (28, 28, 1)
    )
    # Dropout off (training=False) so both passes see the same network.
    real = images[:8].astype("float32") / 127.5 - 1.0
    fake = trainer.generator(np.zeros((8, 16), "float32"), training=False)
    both = trainer.improved.discriminator_with_features
    _, real_features = both(real, training=False)
    fake_logits, fake_features = both(fake, training=False)
    expected = 3.0 * float(feature_matching_loss(real_features, fake_features))
    loss = trainer.improved.g_loss(trainer.g_loss_fn(fake_logits), real_features, fake_features)
    assert float(loss) == pytest.approx(expected, rel=1e-6)


def test_historical_means_follow_training_and_resume(images: np.ndarray, tmp_path: Path) -> None:
    config = small_config(historical_averaging=0.01)
    first = image_trainer(config, (28, 28, 1))
    assert set(first.improved.checkpointed()) == {"g_average", "d_average"}
    first.fit(
        ImageBatches(images, 32, seed=42), tmp_path
    )  # 2 steps: each mean is over 3 values (start + 2 steps)
    assert float(first.improved.g_average.count) == 3.0
    assert float(first.improved.g_average.penalty()) > 0
    resumed = image_trainer(config, (28, 28, 1))
    assert resumed.restore(tmp_path) == 1
    assert float(resumed.improved.d_average.count) == 3.0
    for restored, saved in zip(
        resumed.improved.g_average.means, first.improved.g_average.means, strict=True
    ):
        np.testing.assert_array_equal(restored.numpy(), saved.numpy())
