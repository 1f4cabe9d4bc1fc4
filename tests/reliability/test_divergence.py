"""A loss that turns NaN mid-run: the step is named, the last good checkpoint is kept and the
MLflow run is marked FAILED (real trainer, real sqlite store)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import tensorflow as tf
from mlflow.tracking import MlflowClient

from ganops import stages
from ganops.errors import TrainingError
from ganops.runspec import RunSpec
from ganops.training import losses

pytestmark = pytest.mark.integration


def test_nan_loss_stops_with_step_keeps_checkpoint_and_fails_run(
    tmp_path: Path, mlflow_uri: str, monkeypatch: pytest.MonkeyPatch, project_root: Path
) -> None:
    calls = tf.Variable(0, dtype=tf.int64)
    healthy = losses.LOSSES["non_saturating"]

    def explodes_at_step_20(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
        calls.assign_add(1)
        loss = healthy.d_loss(real_logits, fake_logits)
        return tf.where(calls >= 20, tf.constant(float("nan")), loss)

    broken = dataclasses.replace(healthy, d_loss=explodes_at_step_20)
    monkeypatch.setitem(losses.LOSSES, "non_saturating", broken)
    overrides = {
        "data.path": "tests/fixtures/fashion-mnist",
        "train.epochs": 3,
        "train.snapshot_kimg": 0.1,  # a snapshot, with its checkpoint, at the end of each epoch
        "train.batch_size": 32,
        "train.latent_dim": 16,
        "train.precision": "float32",
    }
    config, paths, root = RunSpec(
        overrides=overrides, output_dir=str(tmp_path / "out"), project_root=str(project_root)
    ).load()
    stages.prepare(config, paths, root)
    stages.classifier(config, paths, root)
    with pytest.raises(TrainingError, match="loss diverged at step 20") as caught:
        stages.train(config, paths, root)
    assert "last good checkpoint (epoch 1, step " in caught.value.message

    assert tf.train.latest_checkpoint(str(paths.train_state)).endswith("ckpt-1")
    assert not paths.generator.exists(), "no generator that looks complete"
    run_id = (paths.train_state / "run.json").read_text().split('"')[3]
    assert MlflowClient(mlflow_uri).get_run(run_id).info.status == "FAILED"
