"""The text pipeline through DVC: the same stage definitions, pipeline.yaml selecting
params-text.yaml, outputs under artifacts/text; the image pipeline's lock is untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import subprocess_env, venv_bin
from tests.integration.test_dvc_repro import project_copy, run  # noqa: F401 (fixture)

pytestmark = pytest.mark.integration

TEXT_TINY = {
    "data": {"limit_train": 512, "limit_test": 100},
    "text": {"model_dim": 16},
    "train": {"epochs": 1, "max_steps": 20, "batch_size": 32, "grid_size": 2},
    "evaluate": {"n_samples": 200, "batch_size": 100},
}
SELECT_TEXT = [
    "-S",
    "pipeline.yaml:pipeline.params=params-text.yaml",
    "-S",
    "pipeline.yaml:pipeline.out=artifacts/text",
    "-S",
    "pipeline.yaml:pipeline.data=data/fortunes",
]


def test_dvc_reproduces_the_text_pipeline_with_the_shared_stages(
    project_copy: Path,  # noqa: F811
    mlflow_uri: str,
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

    output = run([dvc, "exp", "run", *SELECT_TEXT], project_copy, env)
    for stage in ("prepare", "train", "evaluate", "register"):
        assert f"Running stage '{stage}'" in output
    text = project_copy / "artifacts" / "text"
    metrics = json.loads((text / "metrics.json").read_text())
    assert {"jsd_4", "jsd_4_floor", "bleu_4", "self_bleu_4"} <= set(metrics)
    assert json.loads((text / "registration.json").read_text())["metric"] == "jsd_4"
    assert not (project_copy / "artifacts" / "prepared").exists()  # image outputs untouched
    lock = yaml.safe_load((project_copy / "dvc.lock").read_text())
    assert lock["stages"]["train"]["cmd"].endswith("--params params-text.yaml --out artifacts/text")
    assert "params-text.yaml" in lock["stages"]["train"]["params"]
    # Nothing changed since: DVC has nothing to rerun for the text selection either.
    assert "Running stage" not in run([dvc, "repro"], project_copy, env)
