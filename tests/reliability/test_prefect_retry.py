"""A Prefect retry of train after a transient failure resumes from the run's checkpoint.

The MLflow sqlite store is held locked ("database is locked") for longer than MLflow's busy
timeout (20 s) just as training finishes, so the train task's first attempt fails while its
checkpoints are complete; the retry must finish the run from the final checkpoint without
training again, and the flow run must complete.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
import uuid

import pytest

from tests.conftest import PROJECT_ROOT, venv_bin

pytestmark = pytest.mark.integration

BUSY_TIMEOUT_S = 20  # MLflow sets PRAGMA busy_timeout = 20000 on its sqlite sessions


def test_train_retry_resumes_from_its_checkpoint_after_database_is_locked(
    served_deployments: dict[str, str], mlflow_uri: str, tiny_overrides: dict
) -> None:
    output_root = f"runs/test-{uuid.uuid4().hex[:8]}"
    parameters = {"overrides": {**tiny_overrides, "train.epochs": 2}, "output_root": output_root}
    spec = {"deployment": "image-gan/image-gan", "runs": [parameters], "timeout": 900}
    trigger = subprocess.Popen(
        [venv_bin("python"), str(PROJECT_ROOT / "tests" / "prefect_runs.py"), json.dumps(spec)],
        env=served_deployments,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    database = mlflow_uri.removeprefix("sqlite:///")
    try:
        deadline = time.monotonic() + 600
        while not list((PROJECT_ROOT / output_root).glob("*/model/generator.keras")):
            assert trigger.poll() is None, trigger.communicate()
            assert time.monotonic() < deadline, "training never finished"
            time.sleep(0.05)
        # Training is done and checkpointed; its MLflow writes are next: lock them out.
        lock = sqlite3.connect(database, isolation_level=None, timeout=30)
        lock.execute("BEGIN EXCLUSIVE")
        time.sleep(BUSY_TIMEOUT_S + 2)  # the waiting write gives up ...
        lock.execute("COMMIT")  # ... and the store is free before the retry (5 s later,
        # retry_delay_seconds in flows/stage_tasks.py)
        lock.close()
        stdout, stderr = trigger.communicate(timeout=900)
        assert trigger.returncode == 0, stderr[-3000:]
        (outcome,) = json.loads(stdout.strip().splitlines()[-1])
        (run_dir,) = (PROJECT_ROOT / output_root).iterdir()
        summary = json.loads((run_dir / "model" / "run.json").read_text())
    finally:
        if trigger.poll() is None:
            trigger.kill()
        shutil.rmtree(PROJECT_ROOT / output_root, ignore_errors=True)

    assert outcome["state"] == "COMPLETED", outcome
    assert outcome["attempts"]["train"] == 2, outcome["attempts"]
    assert any("locked" in line for line in outcome["logs"]), "the first failure is logged"
    # The retry trained nothing: it restored the final checkpoint and logged its outputs.
    assert summary["resumed"] is True
    assert summary["resumed_from_epoch"] == 2 and summary["epochs"] == 2
