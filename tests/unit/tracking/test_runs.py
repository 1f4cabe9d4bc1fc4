"""Runs: one whose process died is marked FAILED by the next pipeline run (real sqlite store);
passwords are redacted from store URIs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mlflow.tracking import MlflowClient

from ganops.config import Config
from ganops.tracking.runs import (
    connect,
    mark_orphaned_runs,
    owner_tags,
    read_run_id,
    redact,
    start_pipeline_run,
)


def test_dead_process_runs_are_failed_live_ones_kept(tmp_path: Path, mlflow_uri: str) -> None:
    connect(Config(), tmp_path)
    client = MlflowClient(mlflow_uri)
    experiment = client.get_experiment_by_name("ganops").experiment_id
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = finished.stdout.strip()
    dead = client.create_run(experiment, tags={**owner_tags(), "ganops.pid": dead_pid})
    alive = client.create_run(experiment, tags=owner_tags())
    foreign = client.create_run(
        experiment, tags={"ganops.host": "elsewhere", "ganops.pid": dead_pid}
    )

    assert mark_orphaned_runs(client, experiment) == [dead.info.run_id]
    assert client.get_run(dead.info.run_id).info.status == "FAILED"
    assert "ended without closing" in client.get_run(dead.info.run_id).data.tags["ganops.failure"]
    assert client.get_run(alive.info.run_id).info.status == "RUNNING"
    assert client.get_run(foreign.info.run_id).info.status == "RUNNING"


def test_checkpoints_that_outlived_their_store_resume_in_a_new_run(
    tmp_path: Path, mlflow_uri: str
) -> None:
    run_info = tmp_path / "run.json"
    run_info.write_text('{"run_id": "0b5c10dc24464844b25cb36da4e4f641"}')  # from another store
    run_id = start_pipeline_run(Config(), tmp_path, run_info, "resumed")

    assert run_id != "0b5c10dc24464844b25cb36da4e4f641" and read_run_id(run_info) == run_id
    assert MlflowClient(mlflow_uri).get_run(run_id).info.run_name == "resumed"
    # and a run that is in the store is reopened, not replaced
    assert start_pipeline_run(Config(), tmp_path, run_info, "again") == run_id


def test_passwords_are_redacted() -> None:
    assert redact("postgresql://me:secret@db:5432/x") == "postgresql://me:***@db:5432/x"
    assert redact("sqlite:////tmp/m.db") == "sqlite:////tmp/m.db"


def test_redact_leaves_plain_values_alone() -> None:
    assert redact("non_saturating") == "non_saturating"
    assert redact("me@example.org") == "me@example.org"
