"""The MLflow tracking server goes away in the middle of training, then comes back."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, free_port, subprocess_env, venv_bin
from tests.servers import start_mlflow_server as start_server
from tests.servers import stop

pytestmark = pytest.mark.integration

TRAIN = [
    "--set",
    "data.path=tests/fixtures/fashion-mnist",
    "--set",
    "train.epochs=4",
    "--set",
    "train.batch_size=32",
    "--set",
    "train.latent_dim=16",
    "--set",
    "train.log_every_steps=2",
    "--set",
    "train.grid_size=2",
    "--set",
    "train.snapshot_kimg=0.5",  # a snapshot (grid, checkpoint) every pass of 512 images
]


def test_training_survives_a_tracking_outage_and_logs_after_restart(tmp_path: Path) -> None:
    port, store, out = free_port(), tmp_path / "store", tmp_path / "out"
    store.mkdir()
    env = subprocess_env(MLFLOW_TRACKING_URI=f"http://127.0.0.1:{port}")
    ganops = [venv_bin("ganops")]
    for stage in ("prepare", "classifier"):
        prepared = subprocess.run(
            [*ganops, stage, "--out", str(out), *TRAIN],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert prepared.returncode == 0, prepared.stderr

    server = start_server(port, store)
    training = subprocess.Popen(
        [*ganops, "train", "--out", str(out), *TRAIN],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while not (out / "samples" / "epoch_001.png").exists():
        assert training.poll() is None, training.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    stop(server)  # the server goes away after the first epoch

    _, stderr = training.communicate(timeout=600)
    assert training.returncode == 2, stderr[-3000:]
    assert "training finished and its outputs are saved" in stderr
    assert "Traceback" not in stderr
    assert (out / "model" / "generator.keras").is_file()
    assert (out / "train_state" / "checkpoint").is_file()
    losses = (out / "train_state" / "losses.tsv").read_text().splitlines()
    assert len(losses) == 1 + 4 * 16, "every step's losses are kept locally"

    server = start_server(port, store)  # back again: the same command completes the logging
    try:
        rerun = subprocess.run(
            [*ganops, "train", "--out", str(out), *TRAIN],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert '"resumed_from_epoch": 4' in rerun.stdout
        assert '"run_id"' in rerun.stdout
    finally:
        stop(server)
