"""`dvc repro` on a copy of the project: real DVC, real stages, a local remote."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration

TINY_PARAMS = {
    "data": {"limit_train": 512, "limit_test": 256},
    "train": {"epochs": 1, "batch_size": 64, "log_every_steps": 4, "grid_size": 4},
    "evaluate": {"n_samples": 256, "batch_size": 128},
}


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [name for name in listed if (PROJECT_ROOT / name).is_file()]


def run(command: list[str], cwd: Path, env: dict) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout + result.stderr


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A git repo holding the committed project plus data/, with a remote of its own."""
    copy = tmp_path / "project"
    for name in tracked_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, target)
    shutil.copytree(PROJECT_ROOT / "data", copy / "data")
    params = yaml.safe_load((copy / "params.yaml").read_text())
    for section, values in TINY_PARAMS.items():
        params[section].update(values)
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    env = subprocess_env()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    run(["git", "init", "-q"], copy, env)
    run([*git, "add", "-A"], copy, env)
    run([*git, "commit", "-qm", "copy"], copy, env)
    return copy


def test_repro_runs_once_then_only_what_changed(
    project_copy: Path, tmp_path: Path, mlflow_uri: str
) -> None:
    env = subprocess_env()
    dvc = venv_bin("dvc")
    # The copy's default remote (.ganops/dvc-remote) starts empty: import-data pins and pushes.
    run([venv_bin("ganops"), "import-data"], project_copy, env)
    assert "data.dvc" not in run(["git", "status", "--porcelain"], project_copy, env)

    first = run([dvc, "repro"], project_copy, env)
    for stage in ("prepare", "train", "evaluate", "register"):
        assert f"Running stage '{stage}'" in first
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
    status = run([dvc, "status"], project_copy, env)
    assert "changed" not in status


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
    assert "changed" not in run([dvc, "status", "data.dvc"], project_copy, env)
