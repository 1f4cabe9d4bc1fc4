"""Screenshots of the MLflow UI for the docs: a registered version's page (its model card and
the metrics attached to the logged model) and the run's sample grids with the step slider.

Trains a short real pipeline into a scratch folder (its own store), serves that store with
`mlflow ui`, and drives Debian's chromium with Playwright (both installed by `make test`):

    .venv/bin/python scripts/mlflow_screenshots.py --out docs/images
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
SHORT_RUN = [
    "train.max_seconds=120",
    "train.snapshot_kimg=25",  # several grids for the step slider
    "train.best_min_kimg=0",
    "evaluate.n_samples=2000",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


SAMPLES_KEY = "samples"  # the key ganops logs its sample grids under (mlflow.log_image)


def close_assistant(page: Page) -> None:
    """MLflow 3's assistant panel opens by default and covers a third of the page."""
    close = page.get_by_role("button", name="Close")
    if close.count():
        close.last.click()


def last_image_step(run_id: str) -> int:
    """The step of the last sample grid: MLflow stores images as images/KEY+step+N+..."""
    from mlflow import MlflowClient

    names = [f.path for f in MlflowClient().list_artifacts(run_id, "images")]
    return max(int(name.split("+step+")[1].split("+")[0]) for name in names if "+step+" in name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument(
        "--reuse", type=Path, help="the scratch folder of an earlier call: no new training"
    )
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    scratch = args.reuse or Path(tempfile.mkdtemp(prefix="ganops-shots-"))
    store = f"sqlite:///{scratch / 'mlflow.db'}"
    if not args.reuse:
        overrides = [*SHORT_RUN, f"tracking.uri={store}"]
        subprocess.run(
            [str(bin_dir / "ganops"), "pipeline", "--out", str(scratch / "artifacts")]
            + [word for pair in overrides for word in ("--set", pair)],
            cwd=ROOT,
            check=True,
        )

    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(store)
    version = MlflowClient().search_model_versions()[0]
    run = MlflowClient().get_run(version.run_id)
    port = free_port()
    ui = subprocess.Popen(
        [str(bin_dir / "mlflow"), "ui", "--backend-store-uri", store, "--port", str(port)],
        env={**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        from playwright.sync_api import sync_playwright

        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/#/models/{version.name}/versions/{version.version}")
            page.get_by_text("Quality gate").first.wait_for(timeout=60_000)
            close_assistant(page)
            page.wait_for_timeout(2_000)
            page.screenshot(path=args.out / "mlflow-model-version.png", full_page=True)
            # The run's charts: filtered to the sample grids, at the last step, enlarged.
            experiment = run.info.experiment_id
            page.goto(f"{base}/#/experiments/{experiment}/runs/{run.info.run_id}/model-metrics")
            page.get_by_placeholder("Search metric charts").fill(SAMPLES_KEY)
            card = page.locator('[data-testid="experiment-view-compare-runs-card"]').first
            card.wait_for(timeout=60_000)
            step_box = card.locator("input").last
            step_box.fill(str(last_image_step(run.info.run_id)))
            step_box.press("Enter")
            card.locator('[data-component-id="fullscreen_button_chartcard"]').click()
            page.set_viewport_size({"width": 1400, "height": 1500})
            page.wait_for_timeout(5_000)
            page.screenshot(path=args.out / "mlflow-sample-steps.png")
            browser.close()
    finally:
        ui.terminate()
        ui.wait(timeout=20)
    print(f"wrote {args.out / 'mlflow-model-version.png'}, {args.out / 'mlflow-sample-steps.png'}")


if __name__ == "__main__":
    main()
