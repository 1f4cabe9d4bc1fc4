"""SIGKILL training mid-epoch, rerun the same command: the final generator equals that of an
uninterrupted run with the same seed, bit for bit (TensorFlow op determinism on)."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration

ARGS = [
    "--set",
    "data.path=tests/fixtures/fashion-mnist",
    "--set",
    "train.epochs=2",
    "--set",
    "train.batch_size=32",
    "--set",
    "train.latent_dim=16",
    "--set",
    "train.grid_size=2",
    "--set",
    "train.checkpoint_every_steps=5",
    "--set",
    "train.precision=float32",
]


def ganops(stage: str, out: Path) -> list[str]:
    return [venv_bin("ganops"), stage, "--out", str(out), *ARGS]


def run(stage: str, out: Path, env: dict) -> None:
    result = subprocess.run(
        ganops(stage, out), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_sigkill_mid_epoch_then_rerun_equals_uninterrupted_run(
    tmp_path: Path, mlflow_uri: str
) -> None:
    env = subprocess_env(TF_DETERMINISTIC_OPS="1")
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    for out in (straight, killed):
        run("prepare", out, env)
        run("classifier", out, env)
    run("train", straight, env)

    process = subprocess.Popen(
        ganops("train", killed),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    index = killed / "train_state" / "checkpoint"
    deadline = time.monotonic() + 300
    while not index.exists():  # the first checkpoint is mid-epoch 1 (step 5 of 16)
        assert process.poll() is None, "training ended before its first checkpoint"
        assert time.monotonic() < deadline, "no checkpoint within 300 s"
        time.sleep(0.02)
    time.sleep(random.Random(0).uniform(0.0, 0.5))
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (killed / "model" / "generator.keras").exists(), "killed before the end"

    run("train", killed, env)
    expected = keras.saving.load_model(straight / "model" / "generator.keras").get_weights()
    got = keras.saving.load_model(killed / "model" / "generator.keras").get_weights()
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_array_equal(a, b)
