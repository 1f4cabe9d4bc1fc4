"""The text pipeline through DVC: its own dvc.yaml (pipelines/text/), the same stage
definitions over params-text.yaml, outputs under artifacts/text, reproduced with a plain
`dvc repro pipelines/text/dvc.yaml`: no variables to override. The image pipeline is untouched,
and `dvc plots show` collects the plots of both dvc.yaml files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import subprocess_env, venv_bin
from tests.projects import run, run_json

pytestmark = pytest.mark.integration

TEXT_TINY = {
    "data": {"limit_train": 512, "limit_test": 100},
    "text": {"model_dim": 16},
    "train": {"epochs": 1, "max_steps": 20, "batch_size": 32, "grid_size": 2},
    "evaluate": {"n_samples": 200, "batch_size": 100},
}
TEXT = "pipelines/text/dvc.yaml"


def test_dvc_reproduces_the_text_pipeline_without_overrides(
    project_copy: Path, mlflow_uri: str
) -> None:
    env = subprocess_env()
    dvc = venv_bin("dvc")
    params = yaml.safe_load((project_copy / "params-text.yaml").read_text())
    for section, values in TEXT_TINY.items():
        params[section].update(values)
    (project_copy / "params-text.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    run([*git, "commit", "-qam", "tiny text"], project_copy, env)
    run([venv_bin("ganops"), "import-data"], project_copy, env)

    output = run([dvc, "repro", TEXT], project_copy, env)
    for stage in ("prepare", "train", "evaluate", "register"):
        assert f"Running stage '{TEXT}:{stage}'" in output
    text = project_copy / "artifacts" / "text"
    metrics = json.loads((text / "metrics.json").read_text())
    assert {"jsd_4", "jsd_4_floor", "bleu_4", "self_bleu_4"} <= set(metrics)
    assert json.loads((text / "registration.json").read_text())["metric"] == "jsd_4"
    assert not (project_copy / "artifacts" / "prepared").exists()  # image outputs untouched
    assert not (project_copy / "dvc.lock").exists()
    lock = yaml.safe_load((project_copy / "pipelines" / "text" / "dvc.lock").read_text())
    assert lock["stages"]["train"]["cmd"].endswith("--params params-text.yaml --out artifacts/text")
    assert "params-text.yaml" in lock["stages"]["train"]["params"]
    assert lock["stages"]["prepare"]["deps"][0]["path"] == "data/fortunes"  # ${data.path}
    # Nothing changed since: DVC has nothing to rerun, and its status (JSON) says so.
    assert "Running stage" not in run([dvc, "repro", TEXT], project_copy, env)
    assert run_json([dvc, "status", "--json", TEXT], project_copy, env) == {}
    # The image pipeline is still to run: the text one did not reproduce it.
    assert set(run_json([dvc, "status", "--json", "dvc.yaml"], project_copy, env)) == {
        "prepare", "classifier", "train", "evaluate", "register"
    }  # fmt: skip

    # One `dvc plots show` reads the plots of both dvc.yaml files: the text curves are drawn,
    # the image ones are listed as not produced yet (their files are missing).
    shown = run_json([dvc, "plots", "show", "--json"], project_copy, env)
    curves = shown["data"]["text-losses"][0]["content"]["data"]["values"]
    assert curves and {"step", "d_loss", "g_loss"} <= set(curves[0])
    assert "artifacts/text/plots/losses.png" in shown["data"]
    missing = {error["name"] for error in shown.get("errors", [])}
    assert "losses" in missing and "artifacts/losses.tsv" in missing
