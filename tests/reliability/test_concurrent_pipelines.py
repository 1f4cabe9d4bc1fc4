"""Two pipeline runs at once against one embedded (sqlite) MLflow store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration
MODEL = "ganops-fashion-mnist"


def test_two_concurrent_pipelines_register_distinct_versions(
    tmp_path: Path, mlflow_uri: str, sane_overrides: dict
) -> None:
    env = subprocess_env()
    processes = []
    for index, seed in enumerate((1, 2)):
        overrides = {**sane_overrides, "train.seed": seed}
        args = [arg for k, v in overrides.items() for arg in ("--set", f"{k}={v}")]
        processes.append(
            subprocess.Popen(
                [venv_bin("ganops"), "pipeline", *args, "--out", str(tmp_path / f"run{index}")],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for process in processes:
        _, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, stderr[-3000:]
        assert "database is locked" not in stderr

    decisions = [
        json.loads((tmp_path / f"run{i}" / "registration.json").read_text()) for i in range(2)
    ]
    assert sorted(d["version"] for d in decisions) == ["1", "2"]
    client = MlflowClient(mlflow_uri, mlflow_uri)
    best = min(decisions, key=lambda d: d["value"])
    assert str(client.get_model_version_by_alias(MODEL, "champion").version) == best["version"]
