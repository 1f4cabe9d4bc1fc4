"""`dvc repro` on a copy of the project: real DVC, real stages, a local remote."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from ganops.stages import STAGES
from tests import projects
from tests.conftest import subprocess_env, venv_bin
from tests.projects import run, run_json

# The fixture lives in tests/projects.py (a conftest plugin); this name keeps older imports working.
project_copy = projects.project_copy

pytestmark = pytest.mark.integration


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_repro_runs_once_then_only_what_changed(
    project_copy: Path, tmp_path: Path, mlflow_uri: str
) -> None:
    env = subprocess_env()
    dvc = venv_bin("dvc")
    # The copy's default remote (.ganops/dvc-remote) starts empty: import-data pins and pushes.
    run([venv_bin("ganops"), "import-data"], project_copy, env)
    assert "data.dvc" not in run(["git", "status", "--porcelain"], project_copy, env)

    first = run([dvc, "repro"], project_copy, env)
    for stage in STAGES:
        assert f"Running stage '{stage.name}'" in first
    assert (project_copy / "artifacts" / "registration.json").is_file()
    metrics = run([dvc, "metrics", "show", "--json"], project_copy, env)
    assert "fid_pixels" in metrics

    second = run([dvc, "repro"], project_copy, env)
    assert "Running stage" not in second

    params = yaml.safe_load((project_copy / "params.yaml").read_text())
    params["train"]["g_learning_rate"] = 0.0003
    (project_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    third = run([dvc, "repro"], project_copy, env)
    assert "Running stage 'prepare'" not in third
    for stage in ("train", "evaluate", "register"):
        assert f"Running stage '{stage}'" in third
    # dvc.yaml: the image pipeline (`dvc status` alone also lists the text one, not run here).
    assert run_json([dvc, "status", "--json", "dvc.yaml"], project_copy, env) == {}

    # Editing the code a stage runs makes it stale, and only it and what follows.
    code = project_copy / "src" / "ganops" / "train_stage.py"
    original = code.read_text()
    code.write_text(original + "# edited\n")
    stale = run_json([dvc, "status", "--json", "dvc.yaml"], project_copy, env)
    assert set(stale) == {"train"} and "src/ganops/train_stage.py" in json.dumps(stale)
    code.write_text(original)
    # Retraining the classifier changes what train reads: train is stale. (Fewer steps than
    # the default 500: any change to its settings retrains it, and this one is quick.)
    params["classifier"]["min_steps"] = 20
    (project_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run([dvc, "repro", "--single-item", "classifier"], project_copy, env)
    stale = run_json([dvc, "status", "--json", "dvc.yaml"], project_copy, env)
    assert "train" in stale and "artifacts/classifier" in json.dumps(stale["train"])


def test_data_push_pull_round_trip(project_copy: Path) -> None:
    env = subprocess_env()
    dvc = venv_bin("dvc")
    run([venv_bin("ganops"), "import-data"], project_copy, env)
    before = digest(project_copy / "data")
    run([dvc, "push"], project_copy, env)
    shutil.rmtree(project_copy / "data")
    shutil.rmtree(project_copy / ".dvc" / "cache")
    run([dvc, "pull", "data.dvc"], project_copy, env)
    assert digest(project_copy / "data") == before
    assert run_json([dvc, "status", "--json", "data.dvc"], project_copy, env) == {}
