"""Prefect glue shared by the flows: one task per ``ganops.stages`` function, run names,
progress, the summary artifact and a failure that names its stage.

Tasks receive a ``RunSpec`` (a few strings) and return small JSON summaries: nothing large is
hashed or stored between tasks, and no task result is cached (``NO_CACHE``): stages write
their outputs to the run's folder and must run every time the flow does.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run
from prefect.states import Failed, State

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "src"))  # run from a checkout without installing, too

from ganops import stages  # noqa: E402
from ganops.errors import ConfigError, DataError, GanopsError, TrainingError  # noqa: E402
from ganops.paths import inside  # noqa: E402
from ganops.report import failure_markdown, summary_markdown  # noqa: E402
from ganops.runspec import RunSpec  # noqa: E402
from ganops.text_stages import SAMPLES_TEXT  # noqa: E402

# The parameters file behind the form's defaults and each run: params.yaml unless whoever
# serves the deployments chooses another (a team's file, or the tests' tiny one).
PARAMS_FILE = os.environ.get("GANOPS_PARAMS_FILE", "params.yaml")

# Epoch progress and gate decisions are INFO records of the "ganops" logger; serve.py routes
# that logger to the Prefect API, but Prefect's root level (WARNING) would drop them.
logging.getLogger("ganops").setLevel(logging.INFO)

# Stages where another attempt can succeed: the data pull (DVC remote, file system), train
# (resumes from the run's last complete checkpoint) and registry writes ("database is
# locked" on a busy sqlite store, a briefly unreachable server).
RETRIES = {"prepare": 2, "train": 1, "register": 3}

# Wrong input stays wrong on a retry: fail at once with the message.
NOT_RETRIED = (ConfigError, DataError, TrainingError)


def retry_helps(task: Any, task_run: Any, state: State) -> bool:
    return not isinstance(state.result(raise_on_failure=False), NOT_RETRIED)


@task(
    task_run_name="{name}",
    cache_policy=NO_CACHE,
    retry_delay_seconds=5,
    retry_condition_fn=retry_helps,
)
def stage_task(name: str, spec: RunSpec) -> dict[str, Any]:
    config, paths, root = spec.load()
    logger = get_run_logger()
    logger.info("%s: started (outputs in %s)", name, paths.root)
    result = stages.STAGES[name](config, paths, root)
    logger.info("%s: done: %s", name, result)
    return result


def prepare_spec(
    output_root: str, params_file: str, overrides: dict[str, Any], title: str = "run"
) -> tuple[RunSpec, Any]:
    """Validate every parameter before any task runs; one output folder per flow run."""
    # The form is open to anyone with UI access: never write outside the project.
    run_dir = inside(PROJECT_ROOT, output_root, "output_root") / (flow_run.get_name() or "local")
    spec = RunSpec(params_file, overrides, str(run_dir), str(PROJECT_ROOT))
    try:
        config, _, _ = spec.load()
    except GanopsError as error:
        create_markdown_artifact(failure_markdown(title, "parameters", error), key="failure")
        raise
    return spec, config


def name_run(label: str) -> None:
    """Show what the run is (dataset, model, loss) in the UI; keep the original name, which
    is also the run's folder, so runs stay distinct and findable."""
    run_id, original = flow_run.get_id(), flow_run.get_name()
    if not run_id:
        return  # called outside a flow run (tests of the flow function)
    with get_client(sync_client=True) as client:
        client.set_flow_run_name(run_id, f"{label} · {original}")


def run_stages(title: str, names: list[str], spec: RunSpec, config: Any) -> Any:
    """Run ``names`` in order with progress; end with a summary or a failure artifact."""
    progress = create_progress_artifact(0.0, key="progress", description=f"{title}: stages done")
    results: dict[str, Any] = {}
    for done, name in enumerate(names):
        runner = stage_task.with_options(retries=RETRIES.get(name, 0))
        try:
            results[name] = runner(name, spec)
        except Exception as error:
            create_markdown_artifact(failure_markdown(title, name, error), key="failure")
            reason = error.message if isinstance(error, GanopsError) else repr(error)
            return Failed(message=f"stage {name} failed: {reason}")
        update_progress_artifact(progress, 100.0 * (done + 1) / len(names))
    create_markdown_artifact(summary(title, results, spec, config), key="summary")
    return results


def summary(title: str, results: dict[str, Any], spec: RunSpec, config: Any) -> str:
    from ganops.tracking.lookup import run_links

    _, paths, root = spec.load()
    registration = results.get("register", {})
    run_id = registration.get("run_id") or results.get("train", {}).get("run_id")
    links = run_links(
        config, root, run_id, registration.get("model_name"), registration.get("version")
    )
    return summary_markdown(
        title,
        results,
        paths.evaluation / (SAMPLES_TEXT if config.data.modality == "text" else stages.SAMPLE_GRID),
        links["tracking_uri"],
        os.environ.get("GANOPS_MLFLOW_UI_URL"),
        links["experiment_id"],
        links["aliases"],
    )
