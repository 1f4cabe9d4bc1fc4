"""The served text-gan deployment, triggered through the API as the UI does: completes,
registers a text model, and leaves the summary artifact (metrics and sample text)."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest

from tests.conftest import PROJECT_ROOT, venv_bin
from tests.integration.test_text_pipeline import TEXT_TINY

pytestmark = pytest.mark.integration

TRIGGER = """
import asyncio, json, sys, time
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
parameters = json.loads(sys.argv[1])
deadline = time.monotonic() + 120
while True:
    try:
        run = run_deployment("text-gan/text-gan", parameters=parameters, timeout=600)
        break
    except ObjectNotFound:
        if time.monotonic() > deadline:
            raise
        time.sleep(2)

async def artifact():
    async with get_client() as client:
        found = await client.read_latest_artifacts()
        return [a.data for a in found if a.key == "text-gan-summary"]

print(json.dumps({"state": run.state.type.value, "name": run.name,
                  "artifacts": asyncio.run(artifact())}))
"""


def test_text_gan_deployment_completes_with_a_summary_artifact(
    served_deployments: dict[str, str], mlflow_uri: str
) -> None:
    output_root = f"runs/test-{uuid.uuid4().hex[:8]}"
    parameters = {"overrides": TEXT_TINY, "output_root": output_root}
    result = subprocess.run(
        [venv_bin("python"), "-c", TRIGGER, json.dumps(parameters)],
        env=served_deployments,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["state"] == "COMPLETED", outcome
    run_dir = PROJECT_ROOT / output_root / outcome["name"]
    registration = json.loads((run_dir / "registration.json").read_text())
    samples = (run_dir / "evaluation" / "samples.txt").read_text("utf-8").splitlines()
    shutil.rmtree(PROJECT_ROOT / output_root)
    assert registration["model_name"] == "ganops-fortunes" and registration["metric"] == "jsd_4"
    summary = outcome["artifacts"][0]
    assert "| jsd_4 |" in summary and samples[0] in summary
    assert f"version {registration['version']}" in summary
