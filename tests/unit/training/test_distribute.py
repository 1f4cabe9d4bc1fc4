"""MirroredStrategy over 2 logical CPU devices trains like one device on the same global batch.

The CPU must be split before TensorFlow starts, so the comparison runs in a fresh process
(this file's ``__main__``). The models have no BatchNorm or dropout: per-replica batch
statistics and dropout masks legitimately differ from one device's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, subprocess_env


def small_models():
    import keras
    from keras import layers

    z = keras.Input((8,))
    x = layers.Reshape((7, 7, 4))(layers.Dense(7 * 7 * 4)(z))
    x = layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu")(x)
    image = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="tanh")(x)
    generator = keras.Model(z, image)
    inputs = keras.Input((28, 28, 1))
    h = layers.Conv2D(4, 3, strides=2, activation="relu")(inputs)
    critic = keras.Model(inputs, layers.Dense(1)(layers.Flatten()(h)))
    return generator, critic


def train(strategy_name: str, loss: str, out: Path) -> list:
    import keras

    from ganops.config import TrainConfig
    from ganops.data.idx import read_split
    from ganops.data.pipeline import ImageBatches
    from ganops.training.distribute import resolve_strategy
    from ganops.training.trainer import GanTrainer
    from tests.conftest import FIXTURES

    # SGD: its step is proportional to the gradient, so a wrongly summed or averaged
    # gradient shows (Adam would hide a constant factor).
    config = TrainConfig(
        loss=loss,
        optimizer="sgd",
        g_learning_rate=0.05,
        d_learning_rate=0.05,
        epochs=1,
        batch_size=16,
        latent_dim=8,
        precision="float32",
        grid_size=1,
    )
    images = read_split(FIXTURES / "fashion-mnist", "train")[0][:64, ..., None]
    strategy = resolve_strategy(strategy_name)
    keras.utils.set_random_seed(0)
    with strategy.scope():
        trainer = GanTrainer(config, *small_models())
    assert trainer.strategy.num_replicas_in_sync == (2 if strategy_name == "mirrored" else 1)
    trainer.fit(ImageBatches(images, 16, seed=0), out)
    return [w.tolist() for w in trainer.generator.get_weights() + trainer.ema.model.get_weights()]


def worker(out: Path) -> None:
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    )
    results = {
        f"{name}/{loss}": train(name, loss, out / f"{name}-{loss}")
        for loss in ("non_saturating", "wgan_gp")
        for name in ("default", "mirrored")
    }
    (out / "weights.json").write_text(json.dumps(results))


@pytest.mark.parametrize(("pipelines", "replicas"), [(2, 2), (2, 4), (1, 2)])
def test_replica_batches_give_each_replica_its_rows_of_every_global_batch(
    pipelines: int, replicas: int
) -> None:
    """What the strategy's input context asks of each worker's pipeline: together, in replica
    order, the pipelines' batches are exactly the single-process global batches."""
    import numpy as np
    import tensorflow as tf

    from ganops.training.distribute import replica_batches

    global_batches = tf.data.Dataset.range(48).batch(8)  # 6 global batches of 8 rows
    local = replicas // pipelines  # replicas per worker: they take consecutive elements
    per_replica = 8 // replicas
    seen: dict[int, list[np.ndarray]] = {}
    for worker in range(pipelines):
        context = tf.distribute.InputContext(pipelines, worker, replicas)
        batches = [b.numpy() for b in replica_batches(global_batches, context, 8)]
        assert len(batches) == 6 * local and all(len(b) == per_replica for b in batches)
        for position, rows in enumerate(batches):
            seen.setdefault(position // local, []).append(rows)
    for step, parts in seen.items():  # parts in worker order, each worker's replicas in order
        np.testing.assert_array_equal(np.concatenate(parts), np.arange(step * 8, step * 8 + 8))


def test_a_global_batch_that_does_not_split_evenly_is_refused() -> None:
    import tensorflow as tf

    from ganops.training.distribute import replica_batches

    with pytest.raises(ValueError, match="divisible"):
        replica_batches(tf.data.Dataset.range(9).batch(3), tf.distribute.InputContext(2, 0, 2), 3)


def test_the_strategy_does_not_change_the_checkpoint_fingerprint() -> None:
    """A checkpoint made by two workers resumes on one process, and the other way."""
    from ganops.config import Config

    config = Config()
    other = config.model_copy(
        update={"train": config.train.model_copy(update={"strategy": "multi_worker"})}
    )
    assert config.fingerprint("train") == other.fingerprint("train")
    reseeded = config.model_copy(update={"train": config.train.model_copy(update={"seed": 1})})
    assert config.fingerprint("train") != reseeded.fingerprint("train")


@pytest.mark.integration
def test_mirrored_on_two_cpu_devices_matches_one_device(tmp_path: Path) -> None:
    import numpy as np

    result = subprocess.run(
        [sys.executable, __file__, str(tmp_path)],
        cwd=PROJECT_ROOT,
        env=subprocess_env(PYTHONPATH=f"{PROJECT_ROOT / 'src'}:{PROJECT_ROOT}"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    weights = json.loads((tmp_path / "weights.json").read_text())
    for loss in ("non_saturating", "wgan_gp"):
        single, mirrored = weights[f"default/{loss}"], weights[f"mirrored/{loss}"]
        moved = max(np.abs(np.array(a)).max() for a in single)
        assert moved > 0
        for a, b in zip(single, mirrored, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    worker(Path(sys.argv[1]))
