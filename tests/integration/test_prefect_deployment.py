"""A real Prefect server and served deployment, triggered through the API as the UI does."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest
from mlflow.tracking import MlflowClient

from ganops.stages import STAGES
from tests.conftest import PROJECT_ROOT, venv_bin

pytestmark = pytest.mark.integration


def trigger_runs(
    env: dict, runs: list[dict], timeout: float = 900, deployment: str = "image-gan/image-gan"
) -> list[dict]:
    """Create the runs at once through the API (as the UI's Run button does), wait, report."""
    spec = {"deployment": deployment, "runs": runs, "timeout": timeout}
    result = subprocess.run(
        [venv_bin("python"), str(PROJECT_ROOT / "tests" / "prefect_runs.py"), json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + 120,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def form_and_overrides(tiny: dict) -> tuple[dict, dict]:
    """The tiny settings as typed form sections, except data.path (an advanced override)."""
    form: dict[str, dict] = {}
    for dotted, value in tiny.items():
        section, key = dotted.split(".")
        if dotted != "data.path":
            form.setdefault(section, {})[key] = value
    return form, {"data.path": tiny["data.path"]}


def test_two_form_runs_at_once_complete_with_distinct_versions_and_a_summary(
    served_deployments: dict[str, str], mlflow_uri: str, tiny_overrides: dict
) -> None:
    output_root = f"runs/test-{uuid.uuid4().hex[:8]}"  # the flow only writes inside the project
    form, overrides = form_and_overrides(tiny_overrides)
    changed = {**form, "train": {**form["train"], "batch_size": 32}}  # one field changed
    runs = [
        {**form, "overrides": overrides, "output_root": output_root},
        {**changed, "overrides": overrides, "output_root": output_root},
    ]
    try:
        outcomes = trigger_runs(served_deployments, runs)
        registrations = [
            json.loads(path.read_text())
            for path in sorted((PROJECT_ROOT / output_root).glob("*/registration.json"))
        ]
    finally:
        shutil.rmtree(PROJECT_ROOT / output_root, ignore_errors=True)

    for outcome in outcomes:
        assert outcome["state"] == "COMPLETED", outcome
        assert outcome["name"].startswith("fashion-mnist-dcgan-non_saturating · "), outcome["name"]
        # Every stage of the graph, the classifier included (train keeps its best generator
        # in the classifier's feature space, as `dvc repro` and the CLI do).
        assert outcome["task_runs"] == sorted(stage.name for stage in STAGES)
        assert any("epoch 1/1 done" in line for line in outcome["logs"]), "progress in the log"
        summary = outcome["artifacts"]["summary"]
        assert "**Model version**" in summary and "aliases:" in summary
        assert "| `fid_domain` |" in summary and "data:image/png;base64," in summary
        assert outcome["artifacts"]["progress"] == 100.0
    # Each summary shows the version's aliases when it was written; `candidate` moves to the
    # newer version, so the run that registered last shows it.
    assert any("`candidate`" in outcome["artifacts"]["summary"] for outcome in outcomes)

    client = MlflowClient(mlflow_uri, mlflow_uri)
    versions = {r["version"] for r in registrations}
    assert len(registrations) == 2 and len(versions) == 2, registrations
    batch_sizes = sorted(
        client.get_run(r["run_id"]).data.params["train.batch_size"] for r in registrations
    )
    assert batch_sizes == ["32", "64"]
    for registration in registrations:
        version = client.get_model_version(registration["model_name"], registration["version"])
        assert version.run_id == registration["run_id"]
