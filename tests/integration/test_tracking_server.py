"""Scale-out by configuration: MLFLOW_TRACKING_URI pointing at a real ``mlflow server``.

The whole pipeline logs and registers through HTTP (artifacts proxied by the server), and
the registered generator is pulled back by ``models:/NAME@champion`` through it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

import ganops
from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration


def test_pipeline_registers_and_samples_through_a_tracking_server(
    mlflow_server: str, tmp_path: Path, sane_overrides: dict
) -> None:
    settings = [arg for k, v in sane_overrides.items() for arg in ("--set", f"{k}={v}")]
    result = subprocess.run(
        [venv_bin("ganops"), "pipeline", "--out", str(tmp_path / "out"), *settings],
        cwd=PROJECT_ROOT,
        env=subprocess_env(),  # carries MLFLOW_TRACKING_URI=http://127.0.0.1:PORT
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    registration = json.loads((tmp_path / "out" / "registration.json").read_text())

    client = MlflowClient(mlflow_server, mlflow_server)
    name = registration["model_name"]
    champion = client.get_model_version_by_alias(name, "champion")
    assert champion.version == registration["version"]
    run = client.get_run(champion.run_id)
    assert run.data.params["train.batch_size"] == str(sane_overrides["train.batch_size"])
    assert "fid_domain" in run.data.metrics
    artifacts = {item.path for item in client.list_artifacts(run.info.run_id)}
    assert {"evaluation", "samples"} <= artifacts  # the model is a LoggedModel in MLflow 3

    images = ganops.load_generator(f"models:/{name}@champion").sample(4, seed=0)
    assert images.shape[0] == 4 and 0.0 <= images.min() <= images.max() <= 1.0
