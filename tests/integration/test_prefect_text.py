"""The served text-gan deployment, triggered through the API as the UI does: completes,
registers a text model, and leaves the summary artifact (metrics and sample text)."""

from __future__ import annotations

import json
import shutil
import uuid

import pytest

from ganops.stages import STAGES
from tests.conftest import PROJECT_ROOT
from tests.integration.test_prefect_deployment import trigger_runs
from tests.integration.test_text_pipeline import TEXT_TINY

pytestmark = pytest.mark.integration


def test_text_gan_deployment_completes_with_a_summary_artifact(
    served_deployments: dict[str, str], mlflow_uri: str
) -> None:
    output_root = f"runs/test-{uuid.uuid4().hex[:8]}"
    runs = [{"overrides": TEXT_TINY, "output_root": output_root}]
    try:
        (outcome,) = trigger_runs(served_deployments, runs, deployment="text-gan/text-gan")
        assert outcome["state"] == "COMPLETED", outcome
        (run_dir,) = (PROJECT_ROOT / output_root).iterdir()  # named before the run was renamed
        registration = json.loads((run_dir / "registration.json").read_text())
        samples = (run_dir / "evaluation" / "samples.txt").read_text("utf-8").splitlines()
    finally:
        shutil.rmtree(PROJECT_ROOT / output_root, ignore_errors=True)
    assert outcome["name"].startswith("fortunes-language-gan · "), outcome["name"]
    assert outcome["task_runs"] == sorted(stage.name for stage in STAGES)
    assert registration["model_name"] == "ganops-fortunes" and registration["metric"] == "jsd_4"
    summary = outcome["artifacts"]["summary"]
    assert "| `jsd_4` |" in summary and samples[0] in summary
    assert f"models:/ganops-fortunes/{registration['version']}" in summary
