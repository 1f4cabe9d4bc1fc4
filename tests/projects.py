"""A throwaway copy of the project as a git repo (committed files plus data/), for tests that
run DVC or the examples on the whole project without touching the real checkout."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, subprocess_env

# params.yaml values that make `dvc repro` / `dvc exp run` tiny: 512 training images, 1 epoch.
TINY_PARAMS = {
    "data": {"limit_train": 512, "limit_test": 256},
    "train": {
        "epochs": 1,
        "batch_size": 64,
        "log_every_steps": 4,
        "grid_size": 4,
        "snapshot_kimg": 0.5,
    },
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


def run_json(command: list[str], cwd: Path, env: dict) -> Any:
    """A command's JSON on stdout (e.g. `dvc status --json`), without its warnings on stderr."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


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
