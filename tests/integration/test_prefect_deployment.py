"""A real Prefect server and served deployment, triggered through the API as the UI does."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from tests.conftest import PROJECT_ROOT, venv_bin

pytestmark = pytest.mark.integration

TRIGGER = """
import json, sys, time
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
parameters = json.loads(sys.argv[1])
deadline = time.monotonic() + 120
while True:  # the served deployment registers itself a few seconds after start
    try:
        run = run_deployment("image-gan/image-gan", parameters=parameters, timeout=600)
        break
    except ObjectNotFound:
        if time.monotonic() > deadline:
            raise
        time.sleep(2)
print(json.dumps({"state": run.state.type.value, "name": run.name}))
"""


def test_ui_style_trigger_completes_and_registers_a_version(
    served_deployments: dict[str, str], tmp_path: Path, mlflow_uri: str, tiny_overrides: dict
) -> None:
    output_root = f"runs/test-{uuid.uuid4().hex[:8]}"  # the flow only writes inside the project
    parameters = {"overrides": tiny_overrides, "output_root": output_root}
    result = subprocess.run(
        [venv_bin("python"), "-c", TRIGGER, json.dumps(parameters)],
        env=served_deployments,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["state"] == "COMPLETED", outcome

    run_dir = PROJECT_ROOT / output_root / outcome["name"]
    registration = json.loads((run_dir / "registration.json").read_text())
    shutil.rmtree(PROJECT_ROOT / output_root)
    client = MlflowClient(mlflow_uri, mlflow_uri)
    version = client.get_model_version(registration["model_name"], registration["version"])
    assert version.run_id == registration["run_id"]
    assert client.get_run(version.run_id).data.params["train.batch_size"] == "64"
