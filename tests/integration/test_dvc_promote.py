"""`dvc exp run` registers its generator as a candidate and leaves champion alone; `ganops
promote` then moves champion through the register stage's gate, or refuses naming what to do.
Real DVC, real (short) training: 160 steps, enough for a generator that passes the sanity check."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from mlflow.tracking import MlflowClient

from tests.conftest import subprocess_env, venv_bin
from tests.projects import run, run_json

pytestmark = pytest.mark.integration

MODEL = "ganops-fashion-mnist"


def aliases(uri: str) -> dict[str, str]:
    return {
        k: str(v) for k, v in MlflowClient(uri, uri).get_registered_model(MODEL).aliases.items()
    }


def test_experiments_register_candidates_and_promote_applies_the_gate(
    project_copy: Path, mlflow_uri: str
) -> None:
    env = subprocess_env()
    dvc, ganops = venv_bin("dvc"), venv_bin("ganops")
    params = yaml.safe_load((project_copy / "params.yaml").read_text())
    params["train"].update(epochs=0, max_steps=160, snapshot_kimg=5)
    # A margin the next version's equal value cannot clear; the experiment below lowers it.
    params["register"]["margin"] = 0.5
    (project_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    run([*git, "commit", "-qam", "sane size"], project_copy, env)
    run([venv_bin("ganops"), "import-data"], project_copy, env)
    registration = project_copy / "artifacts" / "registration.json"

    run([dvc, "repro"], project_copy, env)  # what make run does: the gate moves champion
    first = json.loads(registration.read_text())
    assert first["promoted"] and first["version"] == "1", first
    shown = run_json([dvc, "plots", "show", "--json"], project_copy, env)
    assert shown["data"]["losses"][0]["content"]["data"]["values"]  # the image curves

    # Only register reruns (its parameters changed): the same generator, an equal value, which
    # passes the gate at margin 0, but an experiment registers candidates only.
    output = run([dvc, "exp", "run", "-S", "register.margin=0"], project_copy, env)
    assert "Running stage 'register'" in output and "Running stage 'train'" not in output
    second = json.loads(registration.read_text())
    assert second["version"] == "2" and second["passed"] and not second["promoted"], second
    assert "dvc exp run" in second["reason"] and f"ganops promote {MODEL} 2" in second["reason"]
    assert aliases(mlflow_uri) == {"champion": "1", "candidate": "2"}

    # The same gate at the first margin refuses it, saying what to do; champion stays.
    refused = subprocess.run(
        [ganops, "promote", "--set", "register.margin=0.5"],
        cwd=project_copy, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert refused.returncode == 2, refused.stderr
    assert "does not pass the quality gate" in refused.stderr
    assert f"ganops promote {MODEL} 2 --force" in refused.stderr
    assert aliases(mlflow_uri)["champion"] == "1"
    # At the experiment's margin (now in params.yaml) it passes: champion moves.
    moved = subprocess.run(
        [ganops, "promote", MODEL, "2"],
        cwd=project_copy, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    promoted = json.loads(moved.stdout)  # stdout carries the decision, stderr the log
    assert promoted["promoted"] and promoted["champion_before"] == "1"
    assert aliases(mlflow_uri) == {"champion": "2", "candidate": "2"}
