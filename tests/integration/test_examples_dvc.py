"""examples/compare_losses.sh on a copy of the project: two real `dvc exp run`s at a tiny
size, and the winner it prints is the experiment with the better gate metric."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import subprocess_env, venv_bin
from tests.projects import run

pytestmark = pytest.mark.integration


def applied(project: Path, experiment: str, env: dict) -> tuple[str, float]:
    """`dvc exp apply` an experiment; its loss and gate metric, read back from the workspace."""
    run([venv_bin("dvc"), "exp", "apply", experiment], project, env)
    loss = yaml.safe_load((project / "params.yaml").read_text())["train"]["loss"]
    metrics = json.loads((project / "artifacts" / "metrics.json").read_text())
    return loss, metrics["fid_domain"]


def test_compare_losses_prints_the_better_experiment(project_copy: Path, mlflow_uri: str) -> None:
    env = subprocess_env()
    script = ["bash", "examples/compare_losses.sh"]
    # A typo in a loss is refused before anything trains, naming the allowed values.
    typo = subprocess.run(
        [*script, "non_saturating", "hinj"],
        cwd=project_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert typo.returncode == 2 and "train.loss" in typo.stderr and "hinge" in typo.stderr
    assert "exp run" not in typo.stdout

    run([venv_bin("ganops"), "import-data"], project_copy, env)
    printed = run([*script, "non_saturating", "least_squares"], project_copy, env)
    assert "== dvc exp show" in printed and "least_squares" in printed
    verdict = re.search(
        r"better on fid_domain \(lower is better\): (\w+) (\S+) vs (\w+) (\S+)\n"
        r"keep it: dvc exp apply (\S+)",
        printed,
    )
    assert verdict, printed[-3000:]
    best, best_value, worst, worst_value, best_experiment = verdict.groups()
    assert {best, worst} == {"non_saturating", "least_squares"}
    worst_experiment = best_experiment.replace(best, worst, 1)
    # What each experiment recorded agrees with the verdict.
    assert applied(project_copy, best_experiment, env) == (
        best,
        pytest.approx(float(best_value), rel=1e-3),
    )
    loss, value = applied(project_copy, worst_experiment, env)
    assert loss == worst and value == pytest.approx(float(worst_value), rel=1e-3)
    assert float(best_value) < value
