"""Runs: one whose process died is marked FAILED by the next pipeline run (real sqlite store);
runs carry MLflow's standard tags and record system metrics; passwords are redacted from
store URIs."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from ganops.config import Config
from ganops.tracking.runs import (
    connect,
    continue_run,
    mark_orphaned_runs,
    owner_tags,
    read_run_id,
    redact,
    start_pipeline_run,
    system_metrics,
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


def test_runs_carry_mlflows_standard_tags(tmp_path: Path, mlflow_uri: str) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    (tmp_path / "params.yaml").write_text("{}\n")
    subprocess.run([*git, "add", "params.yaml"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "first"], cwd=tmp_path, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()

    run_id = start_pipeline_run(Config(), tmp_path, tmp_path / "run.json", "tagged")

    tags = MlflowClient(mlflow_uri).get_run(run_id).data.tags
    assert tags["mlflow.source.type"] == "LOCAL"
    assert tags["mlflow.source.name"] and tags["mlflow.user"]
    # The project's commit, not that of the repository the test runner happens to live in.
    assert tags["mlflow.source.git.commit"] == head
    assert tags["mlflow.source.git.branch"] == "main"
    assert tags["ganops.git_commit"] == head


def test_system_metrics_are_recorded_while_a_block_runs_and_resume(
    tmp_path: Path, mlflow_uri: str, capfd: pytest.CaptureFixture
) -> None:
    run_id = start_pipeline_run(Config(), tmp_path, tmp_path / "run.json", "busy")
    client = MlflowClient(mlflow_uri)
    key = "system/cpu_utilization_percentage"

    def steps() -> list[int]:
        return [m.step for m in client.get_metric_history(run_id, key)]

    for attempt in range(2):  # a first attempt, then a resumed one
        with (
            continue_run(Config(), tmp_path, run_id),
            system_metrics(run_id, mlflow_uri, interval=0.1, samples_per_point=2),
        ):
            deadline = time.monotonic() + 30
            while len(steps()) < 3 * (attempt + 1) and time.monotonic() < deadline:
                time.sleep(0.1)
        if attempt == 0:
            first = steps()
            assert len(first) >= 3 and first == list(range(len(first)))
    resumed = steps()[len(first) :]
    assert resumed and resumed[0] == len(first) and resumed == sorted(resumed)  # goes on
    metrics = client.get_run(run_id).data.metrics
    assert {"system/system_memory_usage_megabytes", "system/disk_usage_percentage"} <= set(metrics)
    assert 0.0 <= metrics[key] <= 100.0
    # The monitor's start and stop are routine: nothing about them on the terminal.
    assert "system metrics" not in capfd.readouterr().err.lower()


def test_passwords_are_redacted() -> None:
    assert redact("postgresql://me:secret@db:5432/x") == "postgresql://me:***@db:5432/x"
    assert redact("sqlite:////tmp/m.db") == "sqlite:////tmp/m.db"


def test_redact_leaves_plain_values_alone() -> None:
    assert redact("non_saturating") == "non_saturating"
    assert redact("me@example.org") == "me@example.org"
