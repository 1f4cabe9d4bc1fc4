"""The operator's path in a real browser, on the one-command local platform.

``flows/local_platform.py`` brings up Prefect, the served deployments and the MLflow UI;
headless Chromium (Debian ``chromium``, driven by Playwright) opens the deployment, changes
``train.batch_size`` in the run form, submits, and waits for COMPLETED; MLflow must then
hold a new model version whose run has that batch size, and its run page must load. Then
SIGINT (Ctrl-C) must stop every process the platform started, within ten seconds and without
a traceback.

Screenshots are kept in ``$GANOPS_TEST_ARTIFACTS`` (default ``.ganops/test-artifacts``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import yaml
from mlflow.tracking import MlflowClient

from ganops.config import apply_overrides
from tests.conftest import PROJECT_ROOT, TINY_OVERRIDES, free_port, subprocess_env, venv_bin

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("GANOPS_TEST_ARTIFACTS", PROJECT_ROOT / ".ganops" / "test-artifacts"))


@dataclass
class Platform:
    prefect: str  # http://127.0.0.1:PORT
    mlflow: str
    tracking_uri: str
    process: subprocess.Popen
    log: Path


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def api(platform: Platform, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{platform.prefect}/api{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/system-packages.sh installs it)")
    pytest.importorskip("playwright")
    params = yaml.safe_load((PROJECT_ROOT / "params.yaml").read_text())
    tiny = tmp_path / "params.yaml"  # the form's defaults: a tiny run unless changed
    tiny.write_text(yaml.safe_dump(apply_overrides(params, TINY_OVERRIDES)))
    prefect_port, mlflow_port = free_port(), free_port()
    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    env = subprocess_env(
        PREFECT_HOME=str(tmp_path / "prefect"),
        MLFLOW_TRACKING_URI=tracking_uri,
        MLFLOW_REGISTRY_URI=tracking_uri,
        GANOPS_PARAMS_FILE=str(tiny),
    )
    env.pop("PREFECT_API_URL", None)
    log = (tmp_path / "platform.log").open("w")
    ports = ["--port", str(prefect_port), "--mlflow-port", str(mlflow_port)]
    process = subprocess.Popen(
        [venv_bin("python"), "flows/local_platform.py", *ports],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    running = Platform(
        f"http://127.0.0.1:{prefect_port}",
        f"http://127.0.0.1:{mlflow_port}",
        tracking_uri,
        process,
        tmp_path / "platform.log",
    )
    try:
        deadline = time.monotonic() + 180
        while "MLflow UI:" not in (tmp_path / "platform.log").read_text():
            assert process.poll() is None, (tmp_path / "platform.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the platform printed no URLs"
            time.sleep(1)
        yield running
    finally:
        if process.poll() is None:  # the test failed early: the platform stops its children
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def alive(process: psutil.Process) -> bool:  # a zombie has exited (its parent may be gone)
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def deployment_id(platform: Platform) -> str:
    deadline = time.monotonic() + 120
    while True:  # serve registers the deployment a few seconds after the server is up
        try:
            return api(platform, "/deployments/name/image-gan/image-gan")["id"]
        except OSError:
            assert time.monotonic() < deadline, "image-gan was never served"
            time.sleep(2)


def created_run(platform: Platform, deployment: str, page) -> str:
    """The flow run the form's Submit created (read back from the API)."""
    deadline = time.monotonic() + 60
    while True:
        runs = api(platform, "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment]}}})
        if runs:
            return runs[0]["id"]
        if time.monotonic() > deadline:
            page.screenshot(path=SHOTS / "prefect-submit-failed.png", full_page=True)
            raise AssertionError("Submit created no flow run (see prefect-submit-failed.png)")
        time.sleep(1)


def form_field(page, label: str):
    """The input of the first form property labelled ``label`` (train's, for shared names)."""
    return page.locator(
        "xpath=//div[contains(@class,'schema-form-property')]"
        f"[./div[contains(@class,'p-label__header')]//span[normalize-space()='{label}']]//input"
    ).first


def test_run_from_the_ui_registers_a_version_with_the_changed_parameter(
    platform: Platform,
) -> None:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    deployment = deployment_id(platform)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{platform.prefect}/deployments/deployment/{deployment}")
        page.get_by_text("image-gan").first.wait_for()
        page.screenshot(path=SHOTS / "prefect-deployment.png")

        page.goto(f"{platform.prefect}/deployments/deployment/{deployment}/run")
        batch = form_field(page, "Batch Size (Optional)")
        batch.wait_for()
        assert batch.input_value() == str(TINY_OVERRIDES["train.batch_size"])  # from the file
        batch.fill("32")
        page.screenshot(path=SHOTS / "prefect-run-form.png")
        page.get_by_role("button", name="Submit").click()
        flow_run_id = created_run(platform, deployment, page)
        page.goto(f"{platform.prefect}/runs/flow-run/{flow_run_id}")

        deadline = time.monotonic() + 900
        while (state := api(platform, f"/flow_runs/{flow_run_id}")["state"])["type"] not in (
            "COMPLETED",
            "FAILED",
            "CRASHED",
            "CANCELLED",
        ):
            assert time.monotonic() < deadline, "the run did not finish"
            time.sleep(3)
        page.reload()
        page.get_by_text("Completed").first.wait_for(timeout=30_000)
        page.screenshot(path=SHOTS / "prefect-flow-run.png", full_page=True)
        assert state["type"] == "COMPLETED", state

        # The summary artifact as a person sees it: version, aliases, metrics, the picture.
        artifacts = api(
            platform, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}
        )
        summary = next(a for a in artifacts if a["key"] == "summary")
        page.goto(f"{platform.prefect}/artifacts/artifact/{summary['id']}")
        page.get_by_text("Model version").first.wait_for(timeout=30_000)
        picture = page.locator("img[src^='data:image/png']").first
        picture.wait_for(timeout=30_000)
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
        page.screenshot(path=SHOTS / "prefect-summary.png", full_page=True)

        client = MlflowClient(platform.tracking_uri, platform.tracking_uri)
        versions = client.search_model_versions()
        assert len(versions) == 1
        run = client.get_run(versions[0].run_id)
        assert run.data.params["train.batch_size"] == "32"

        page.goto(
            f"{platform.mlflow}/#/experiments/{run.info.experiment_id}/runs/{run.info.run_id}"
        )
        page.get_by_text(run.info.run_name).first.wait_for(timeout=60_000)
        page.screenshot(path=SHOTS / "mlflow-run.png", full_page=True)
        browser.close()

    original_name = api(platform, f"/flow_runs/{flow_run_id}")["name"].split(" · ")[-1]
    shutil.rmtree(PROJECT_ROOT / "runs" / original_name, ignore_errors=True)

    stop_platform(platform)


def stop_platform(platform: Platform) -> None:
    """Ctrl-C: everything the platform started is gone within ten seconds, quietly."""
    children = {
        child: " ".join(child.cmdline()[:4])
        for child in psutil.Process(platform.process.pid).children(recursive=True)
    }
    assert len(children) >= 3  # the Prefect server, the MLflow UI, the served deployments
    before = platform.log.stat().st_size
    started = time.monotonic()
    os.killpg(platform.process.pid, signal.SIGINT)  # what the terminal sends its foreground
    assert platform.process.wait(timeout=90) == 0
    seconds = time.monotonic() - started
    said = platform.log.read_text()[before:]
    assert seconds <= 10, f"the platform took {seconds:.1f} s to stop:\n{said[-3000:]}"
    assert "Traceback" not in said, said[-6000:]
    left = [name for child, name in children.items() if alive(child)]
    assert not left, f"still running after the platform stopped: {left}"
    assert not answers(f"{platform.prefect}/api/health"), "the Prefect server still answers"
    assert not answers(f"{platform.mlflow}/health"), "the MLflow UI still answers"
