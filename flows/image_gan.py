"""Prefect flow ``image-gan``: prepare -> train -> evaluate -> register.

Each task is a few lines around one ``ganops.stages`` function. Tasks exchange a ``RunSpec``
(file name, overrides, output folder) and small JSON summaries, never models or tensors.
Every flow run writes under its own ``runs/<flow-run-name>/`` so runs never share files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "src"))  # run from a checkout without installing, too

from ganops import stages  # noqa: E402
from ganops.paths import inside  # noqa: E402
from ganops.runspec import RunSpec  # noqa: E402


def _stage(name: str, spec: RunSpec) -> dict[str, Any]:
    config, paths, root = spec.load()
    result = stages.STAGES[name](config, paths, root)
    get_run_logger().info("%s done: %s", name, result)
    return result


@task(name="prepare", retries=2, retry_delay_seconds=5)
def prepare_task(spec: RunSpec) -> dict[str, Any]:
    return _stage("prepare", spec)


# A retry resumes from the last complete checkpoint in the run's train_state/.
@task(name="train", retries=1, retry_delay_seconds=5)
def train_task(spec: RunSpec) -> dict[str, Any]:
    return _stage("train", spec)


@task(name="evaluate")
def evaluate_task(spec: RunSpec) -> dict[str, Any]:
    return _stage("evaluate", spec)


# Registry writes can hit a busy sqlite store or a briefly unreachable server: retry them.
@task(name="register", retries=3, retry_delay_seconds=5)
def register_task(spec: RunSpec) -> dict[str, Any]:
    return _stage("register", spec)


@flow(name="image-gan", log_prints=True)
def image_gan(
    overrides: dict[str, Any] | None = None,
    params_file: str = "params.yaml",
    output_root: str = "runs",
) -> dict[str, Any]:
    """Train, evaluate and register an image GAN.

    Args:
        overrides: parameters that replace params.yaml values, by dotted key,
            e.g. {"train.epochs": 3, "train.loss": "non_saturating"}.
        params_file: the parameters file, relative to the project root.
        output_root: folder inside the project that holds one folder per flow run.
    """
    # The form is open to anyone with UI access: never write outside the project.
    run_dir = inside(PROJECT_ROOT, output_root, "output_root") / (flow_run.get_name() or "local")
    spec = RunSpec(params_file, dict(overrides or {}), str(run_dir), str(PROJECT_ROOT))
    spec.load()  # validate every parameter before any task runs
    results = {"prepare": prepare_task(spec)}
    results["train"] = train_task(spec)
    results["evaluate"] = evaluate_task(spec)
    results["register"] = register_task(spec)
    return results
