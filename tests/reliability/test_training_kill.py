"""SIGKILL the training process at arbitrary moments; rerunning resumes and finishes clean."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration

ARGS = [
    "--set",
    "data.path=tests/fixtures/fashion-mnist",
    "--set",
    "train.epochs=6",
    "--set",
    "train.batch_size=32",
    "--set",
    "train.latent_dim=16",
    "--set",
    "train.log_every_steps=4",
    "--set",
    "train.grid_size=2",
    "--set",
    "train.snapshot_kimg=0.5",  # a snapshot (grid, checkpoint) every pass of 512 images
]
STEPS_PER_EPOCH = 512 // 32


def ganops(*args: str, out: Path) -> list[str]:
    return [venv_bin("ganops"), *args, "--out", str(out), *ARGS]


def test_kills_mid_epoch_and_mid_write_resume_from_last_complete_checkpoint(
    tmp_path: Path, mlflow_uri: str
) -> None:
    env = subprocess_env()
    out = tmp_path / "out"
    for stage in ("prepare", "classifier"):
        subprocess.run(
            ganops(stage, out=out),
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    rng = random.Random(0)
    kills = 0
    for _ in range(3):
        process = subprocess.Popen(
            ganops("train", out=out),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        index = out / "train_state" / "checkpoint"
        seen = index.read_text() if index.exists() else ""
        deadline = time.monotonic() + 300
        # Wait for a new checkpoint, then kill at a random moment (often inside the next
        # epoch, sometimes while the next checkpoint or sample grid is being written).
        # A run that resumes after the final checkpoint has nothing left to train and exits
        # 0 without writing a new one: stop waiting as soon as the process ends.
        while (index.read_text() if index.exists() else "") == seen:
            if process.poll() is not None:
                assert process.returncode == 0, f"train exited {process.returncode}"
                break
            assert time.monotonic() < deadline, "no new checkpoint within 300 s"
            time.sleep(0.05)
        if process.poll() is not None:
            break
        time.sleep(rng.uniform(0.0, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1

    final = subprocess.run(
        ganops("train", out=out),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert final.returncode == 0, final.stderr[-3000:]
    summary = json.loads(final.stdout)
    assert kills >= 1 and summary["resumed"] is True
    assert summary["epochs"] == 6 and summary["steps"] == 6 * STEPS_PER_EPOCH
    rows = (out / "losses.tsv").read_text().splitlines()[1:]
    steps = [int(row.split("\t")[0]) for row in rows]
    assert steps == list(range(1, 6 * STEPS_PER_EPOCH + 1)), "no step lost or repeated"
    assert not list(out.rglob(".*partial*")) and not list((out / "model").glob(".*"))
    check = subprocess.run(
        [
            venv_bin("python"),
            "-c",
            "import keras,sys; m = keras.saving.load_model(sys.argv[1], safe_mode=True);"
            "print(m.output_shape)",
            str(out / "model" / "generator.keras"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "(None, 28, 28, 1)" in check.stdout, check.stderr[-2000:]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_closes_the_run_as_killed_and_a_rerun_resumes(
    signum: signal.Signals, tmp_path: Path, mlflow_uri: str
) -> None:
    from mlflow.tracking import MlflowClient

    env = subprocess_env()
    out = tmp_path / "out"
    for stage in ("prepare", "classifier"):
        subprocess.run(
            ganops(stage, out=out), cwd=PROJECT_ROOT, env=env, check=True, capture_output=True
        )
    process = subprocess.Popen(
        ganops("train", out=out),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    index = out / "train_state" / "checkpoint"
    deadline = time.monotonic() + 300
    while not index.exists():  # a complete checkpoint exists, training goes on
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "no checkpoint within 300 s"
        time.sleep(0.1)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, stderr[-2000:]
    assert f"stopped by {signum.name}; rerun the same command" in stderr
    assert "Traceback" not in stderr
    run_id = json.loads((out / "train_state" / "run.json").read_text())["run_id"]
    run = MlflowClient(mlflow_uri).get_run(run_id)
    assert run.info.status == "KILLED"
    assert run.data.tags["ganops.failure"] == f"stopped by {signum.name}; rerun to resume"
    assert index.exists(), "the last complete checkpoint is kept"

    rerun = subprocess.run(
        ganops("train", out=out),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    summary = json.loads(rerun.stdout)
    assert summary["resumed"] is True and summary["resumed_from_epoch"] >= 1
    assert summary["steps"] == 6 * STEPS_PER_EPOCH and summary["run_id"] == run_id
    assert MlflowClient(mlflow_uri).get_run(run_id).info.status == "FINISHED"
