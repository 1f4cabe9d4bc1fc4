"""SIGKILL the Prefect flow process mid-run, then trigger again: the new run completes and
the killed attempt's MLflow run is marked FAILED, not left RUNNING."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from tests.conftest import PROJECT_ROOT, venv_bin
from tests.servers import start_serving, stop

pytestmark = pytest.mark.integration

TRIGGER = """
import json, sys, time
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
parameters, wait = json.loads(sys.argv[1]), float(sys.argv[2])
deadline = time.monotonic() + 120
while True:
    try:
        run = run_deployment("image-gan/image-gan", parameters=parameters, timeout=wait)
        break
    except ObjectNotFound:
        if time.monotonic() > deadline:
            raise
        time.sleep(2)
print(json.dumps({"state": run.state.type.value, "name": run.name}))
"""


def trigger(env: dict, parameters: dict, wait: float) -> dict:
    result = subprocess.run(
        [venv_bin("python"), "-c", TRIGGER, json.dumps(parameters), str(wait)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_killed_flow_run_is_recoverable(
    serve_env: dict, tmp_path: Path, mlflow_uri: str, tiny_overrides: dict
) -> None:
    output_root = f"runs/test-{uuid.uuid4().hex[:8]}"
    parameters = {"overrides": {**tiny_overrides, "train.epochs": 50}, "output_root": output_root}
    serving = start_serving(serve_env, tmp_path / "serve.log")
    try:
        first = trigger(serve_env, parameters, wait=0)  # returns once scheduled
        run_info = PROJECT_ROOT / output_root / first["name"] / "train_state" / "run.json"
        deadline = time.monotonic() + 300
        while not run_info.exists():
            assert time.monotonic() < deadline, "training never started"
            time.sleep(0.5)
        time.sleep(2)
        os.killpg(serving.pid, signal.SIGKILL)  # the serve process and the flow run with it
        serving.wait()
        killed_run = json.loads(run_info.read_text())["run_id"]
        client = MlflowClient(mlflow_uri, mlflow_uri)
        assert client.get_run(killed_run).info.status == "RUNNING"

        serving = start_serving(serve_env, tmp_path / "serve.log")
        second = trigger(serve_env, {**parameters, "overrides": tiny_overrides}, wait=600)
        assert second["state"] == "COMPLETED", second
        assert client.get_run(killed_run).info.status == "FAILED"
        assert "ended without closing" in client.get_run(killed_run).data.tags["ganops.failure"]
    finally:
        stop(serving)
        shutil.rmtree(PROJECT_ROOT / output_root, ignore_errors=True)
