"""Two ``ganops train`` processes on 127.0.0.1 train one run together (MultiWorkerMirroredStrategy,
RING collectives over gRPC, the cluster in ``TF_CONFIG`` as a user sets it on each host).

Checked against single-process training at the same global batch: the per-step losses and
the final generator agree within LOSS_TOLERANCE and WEIGHT_TOLERANCE; each worker reads its
own rows of every batch; only the chief writes; a worker killed mid-run and the cluster
restarted resumes from the last complete checkpoint; checkpoints move between one process and
two workers both ways.

Tolerance. Both sides run float32 with the same seeds, data order and noise, so what differs
is the order of float additions: the gradient is the all-reduced sum of two 16-row halves
instead of one 32-row reduction, and synchronized BatchNorm sums its moments across the
workers (E[x^2] - E[x]^2) where one device uses tf.nn.moments. Those are rounding-level
(~1e-7 relative) per step; Adam then divides by sqrt(v), so a weight whose gradient is near
zero can take a visibly different step, and 32 steps compound it. Measured: 1.15e-4 on the
weights, 3.9e-6 on the losses (docs/scaling.md). 2e-3 absolute on the weights and 1e-3 on the
losses are over ten times that; training moves the weights more than twenty times 2e-3.

The model is a tiny DCGAN without dropout and without the minibatch-stddev layer: with several
replicas each draws its own dropout masks and takes the statistic over its own rows, which is
legitimately not what one device computes over the whole batch.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration

WEIGHT_TOLERANCE = 2e-3
LOSS_TOLERANCE = 1e-3
STEPS_PER_EPOCH = 512 // 32  # the fixture's 512 training images at batch 32
ARGS = [
    "data.path=tests/fixtures/fashion-mnist",
    "train.epochs=2",
    "train.batch_size=32",  # the global batch: 16 rows per worker
    "train.latent_dim=16",
    "train.g_channels=16",
    "train.d_channels=8",
    "train.d_dropout=0",
    "train.improved.minibatch=none",
    "train.ema_decay=0",  # the saved generator is the trained one, not a slow average
    "train.precision=float32",
    "train.quick_eval_samples=0",
    "train.grid_size=2",
    "train.log_every_steps=4",
    "train.checkpoint_every_steps=4",
    "classifier.epochs=1",  # train needs the classifier stage's output; its quality is unused
    "classifier.min_steps=1",
]


def command(stage: str, out: Path, *extra: str) -> list[str]:
    sets = [part for setting in (*ARGS, *extra) for part in ("--set", setting)]
    return [venv_bin("ganops"), stage, "--out", str(out), *sets]


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def single(out: Path, *extra: str, env: dict[str, str] | None = None) -> dict:
    result = subprocess.run(
        command("train", out, *extra),
        cwd=PROJECT_ROOT,
        env=subprocess_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def start_cluster(outs: list[Path], *extra: str, tmp: Path) -> list[subprocess.Popen]:
    """One process per worker, each with its TF_CONFIG (worker 0 is the chief)."""
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(len(outs))]}
    processes = []
    for index, out in enumerate(outs):
        tf_config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        worker_tmp = tmp / f"tmp-worker{index}"
        worker_tmp.mkdir(exist_ok=True)
        env = subprocess_env(TF_CONFIG=json.dumps(tf_config), TMPDIR=str(worker_tmp))
        processes.append(
            subprocess.Popen(
                command("train", out, *extra),
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    return processes


def finish(processes: list[subprocess.Popen]) -> list[tuple[dict, str]]:
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr[-3000:]
        results.append((json.loads(stdout), stderr))
    return results


def cluster(outs: list[Path], *extra: str, tmp: Path) -> list[tuple[dict, str]]:
    return finish(start_cluster(outs, *extra, tmp=tmp))


def generator_weights(out: Path) -> list[np.ndarray]:
    import keras

    return keras.saving.load_model(out / "model" / "generator.keras").get_weights()


def losses(out: Path) -> np.ndarray:
    rows = (out / "losses.tsv").read_text().splitlines()[1:]
    return np.array([[float(value) for value in row.split("\t")[:4]] for row in rows])


def largest_difference(a: Path, b: Path) -> tuple[float, float]:
    """(weights, losses): the largest absolute difference between two runs' results."""
    weights = max(
        float(np.abs(x - y).max())
        for x, y in zip(generator_weights(a), generator_weights(b), strict=True)
    )
    la, lb = losses(a), losses(b)
    assert la[:, 0].tolist() == lb[:, 0].tolist(), "the same steps were logged"
    return weights, float(np.abs(la[:, 2:] - lb[:, 2:]).max())


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prepared") / "out"
    for stage in ("prepare", "classifier"):
        subprocess.run(
            command(stage, out),
            cwd=PROJECT_ROOT,
            env=subprocess_env(),
            check=True,
            capture_output=True,
            timeout=300,
        )
    return out


@pytest.fixture(scope="module")
def reference(prepared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One process, uninterrupted, at the same global batch: what every run must match."""
    out = copy_of(prepared, tmp_path_factory.mktemp("reference") / "out")
    store = f"sqlite:///{out.parent / 'mlflow.db'}"
    single(out, env={"MLFLOW_TRACKING_URI": store, "MLFLOW_REGISTRY_URI": store})
    return out


def copy_of(prepared: Path, to: Path) -> Path:
    shutil.copytree(prepared, to)
    return to


def test_two_workers_train_like_one_process_and_only_the_chief_writes(
    prepared: Path, reference: Path, tmp_path: Path, mlflow_uri: str
) -> None:
    from mlflow.tracking import MlflowClient

    chief_out = copy_of(prepared, tmp_path / "chief")
    worker_out = copy_of(prepared, tmp_path / "w1")  # what a host without shared storage has
    before = tree(worker_out)
    started = time.monotonic()
    (chief, chief_log), (worker, worker_log) = cluster([chief_out, worker_out], tmp=tmp_path)
    seconds = time.monotonic() - started

    # (a) the same training as one process at the same global batch
    assert chief["steps"] == worker["steps"] == 2 * STEPS_PER_EPOCH
    weights, loss = largest_difference(reference, chief_out)
    print(f"two workers vs one process: weights {weights:.2e}, losses {loss:.2e}; {seconds:.0f} s")
    assert weights <= WEIGHT_TOLERANCE and loss <= LOSS_TOLERANCE
    moved = max(
        float(np.abs(x - y).max())
        for x, y in zip(generator_weights(reference), _initial_weights(), strict=True)
    )
    assert moved > 20 * WEIGHT_TOLERANCE, "training moved the weights well past the tolerance"

    # (b) each worker read its own half of every batch, through the strategy's input context
    assert "epoch 1: input pipeline 0 of 2, 16 of each 32-row batch" in chief_log
    assert "epoch 1: input pipeline 1 of 2, 16 of each 32-row batch" in worker_log

    # (c) only the chief wrote: its outputs and the one MLflow run; the worker's folder is as
    # it was and its temporary checkpoints are gone
    assert chief.get("run_id") and worker == worker | {"chief": False, "task": "worker:1"}
    assert (chief_out / "model" / "generator.keras").is_file()
    assert list((chief_out / "samples").glob("*.png"))
    assert (chief_out / "train_state" / "checkpoint").is_file()
    assert tree(worker_out) == before
    assert not list((tmp_path / "tmp-worker1").iterdir())
    client = MlflowClient(mlflow_uri)
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()])
    assert [run.info.run_id for run in runs] == [chief["run_id"]]


def _initial_weights() -> list[np.ndarray]:
    """The generator before training: ARGS' model, built from the same seed."""
    import keras

    from ganops.config import TrainConfig
    from ganops.models.builders import build_image_models

    config = TrainConfig(
        latent_dim=16, g_channels=16, d_channels=8, d_dropout=0, improved={"minibatch": "none"}
    )
    keras.utils.set_random_seed(config.seed)
    return build_image_models(config, (28, 28, 1), 0)[0].get_weights()


def test_a_killed_worker_and_restarted_cluster_resume_and_checkpoints_move_between_sizes(
    prepared: Path, reference: Path, tmp_path: Path, mlflow_uri: str
) -> None:
    # (d) SIGKILL the non-chief worker after a checkpoint; the chief cannot go on without it
    # and is stopped too (what a cluster manager does); the same commands again resume.
    out = copy_of(prepared, tmp_path / "two")
    processes = start_cluster([out, out], tmp=tmp_path)
    index = out / "train_state" / "checkpoint"
    deadline = time.monotonic() + 300
    while not index.exists():
        assert all(p.poll() is None for p in processes), "training ended before a checkpoint"
        assert time.monotonic() < deadline, "no checkpoint within 300 s"
        time.sleep(0.05)
    time.sleep(0.5)
    processes[1].send_signal(signal.SIGKILL)
    processes[0].send_signal(signal.SIGKILL)
    for process in processes:
        process.wait()
    assert not (out / "model" / "generator.keras").exists(), "killed before the end"
    checkpointed = _checkpointed_step(out)
    assert 0 < checkpointed < 2 * STEPS_PER_EPOCH - 8
    moved = copy_of(out, tmp_path / "moved")

    (chief, _), (worker, _) = cluster([out, out], tmp=tmp_path)
    assert chief["resumed"] is True and worker["resumed_from_step"] == checkpointed
    assert chief["resumed_from_step"] == checkpointed
    assert chief["steps"] == 2 * STEPS_PER_EPOCH
    steps = losses(out)[:, 0].astype(int).tolist()
    assert steps == list(range(1, 2 * STEPS_PER_EPOCH + 1)), "no step lost or repeated"
    weights, loss = largest_difference(reference, out)
    print(f"killed and restarted cluster vs one process: {weights:.2e}, losses {loss:.2e}")
    assert weights <= WEIGHT_TOLERANCE and loss <= LOSS_TOLERANCE

    # (e) the two workers' checkpoint goes on in one process (to step `handover`), whose
    # checkpoint two workers then finish
    handover = checkpointed + 4
    summary = single(moved, f"train.max_steps={handover}")
    assert summary["resumed_from_step"] == checkpointed and summary["steps"] == handover
    (chief, _), _ = cluster([moved, moved], tmp=tmp_path)
    assert chief["resumed_from_step"] == handover and chief["steps"] == 2 * STEPS_PER_EPOCH
    weights, loss = largest_difference(reference, moved)
    print(f"two workers -> one process -> two workers vs one process: {weights:.2e}")
    assert weights <= WEIGHT_TOLERANCE and loss <= LOSS_TOLERANCE


def _checkpointed_step(out: Path) -> int:
    """The step of the newest complete checkpoint in the chief's folder."""
    import tensorflow as tf

    path = tf.train.latest_checkpoint(str(out / "train_state"))
    assert path, "a complete checkpoint"
    return int(tf.train.load_variable(path, "step/.ATTRIBUTES/VARIABLE_VALUE"))
