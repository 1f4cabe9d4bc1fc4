"""Prefect glue shared by the flows: one task per stage of the graph (``ganops.stages``), the
flow factory both deployments are made by, run names, progress, the summary artifact and a
failure that names its stage.

Tasks receive a ``RunSpec`` (a few strings) and return small JSON summaries: nothing large is
hashed or stored between tasks, and no task result is cached (``NO_CACHE``): stages write
their outputs to the run's folder and must run every time the flow does.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
from pathlib import Path
from typing import Any

from prefect import Flow, flow, get_run_logger, task
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

from ganops.config import Config  # noqa: E402
from ganops.environment import import_tensorflow_quietly  # noqa: E402
from ganops.errors import ConfigError, DataError, GanopsError, TrainingError  # noqa: E402
from ganops.forms import form_models, form_overrides  # noqa: E402
from ganops.modalities import modality_named  # noqa: E402
from ganops.runspec import RunSpec  # noqa: E402
from ganops.stages import STAGES, failure_summary, run_summary, stage_named  # noqa: E402

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
    import_tensorflow_quietly()
    logger = get_run_logger()
    logger.info("%s: started (outputs in %s)", name, paths.root)
    result = stage_named(name)(config, paths, root)
    logger.info("%s: done: %s", name, result)
    return result


def gan_flow(deployment: str, modality: str, params_env: str) -> Flow:
    """The flow of one deployment: a typed form section per config section the modality
    exposes (defaults from its parameters file, or the file named by ``params_env``), then
    every stage of the graph in order."""
    params_file = os.environ.get(params_env, modality_named(modality).params_file)
    forms = form_models(PROJECT_ROOT / params_file, modality_named(modality).form_sections)

    def run_gan(**parameters: Any) -> Any:
        sections = {name: parameters.pop(name) for name in forms}
        changed = form_overrides(**sections) | dict(parameters["overrides"] or {})
        spec, config = _validated_spec(
            deployment, parameters["output_root"], parameters["params_file"], changed
        )
        _name_run(config.modality.run_label(config))
        return _run_stages(deployment, spec, config)

    keyword = inspect.Parameter.KEYWORD_ONLY
    signature = [
        inspect.Parameter(name, keyword, default=form(), annotation=form)
        for name, form in forms.items()
    ] + [
        inspect.Parameter("overrides", keyword, default=None, annotation=dict[str, Any] | None),
        inspect.Parameter("params_file", keyword, default=params_file, annotation=str),
        inspect.Parameter("output_root", keyword, default="runs", annotation=str),
    ]
    run_gan.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    run_gan.__annotations__ = {p.name: p.annotation for p in signature} | {"return": Any}
    # Prefect shows each parameter's line of the docstring's Args in the form.
    sections = Config.model_fields
    run_gan.__doc__ = "\n".join(
        [
            f"Train, evaluate and register a {modality} GAN: {', '.join(s.name for s in STAGES)}.",
            "",
            "Args:",
            *(f"    {name}: {sections[name].description}" for name in forms),
            '    overrides: advanced: dotted keys applied last, e.g. {"train.epochs": 3}.',
            "    params_file: the parameters file, relative to the project root.",
            "    output_root: folder inside the project that holds one folder per flow run.",
        ]
    )
    run_gan.__name__ = run_gan.__qualname__ = deployment.replace("-", "_")
    return flow(name=deployment, log_prints=True)(run_gan)


def _validated_spec(
    title: str, output_root: str, params_file: str, overrides: dict[str, Any]
) -> tuple[RunSpec, Config]:
    """Validate every parameter before any task runs; one output folder per flow run."""
    try:
        spec = RunSpec.in_project(
            PROJECT_ROOT, output_root, flow_run.get_name() or "local", params_file, overrides
        )
        config, _, _ = spec.load()
    except GanopsError as error:
        create_markdown_artifact(failure_summary(title, "parameters", error), key="failure")
        raise
    return spec, config


def _name_run(label: str) -> None:
    """Show what the run is (dataset, model, loss) in the UI; keep the original name, which
    is also the run's folder, so runs stay distinct and findable."""
    run_id, original = flow_run.get_id(), flow_run.get_name()
    if not run_id:
        return  # called outside a flow run (tests of the flow function)
    with get_client(sync_client=True) as client:
        client.set_flow_run_name(run_id, f"{label} · {original}")


def _run_stages(title: str, spec: RunSpec, config: Config) -> Any:
    """Run the graph's stages in order with progress; end with a summary or a failure."""
    progress = create_progress_artifact(0.0, key="progress", description=f"{title}: stages done")
    results: dict[str, Any] = {}
    for done, stage in enumerate(STAGES):
        runner = stage_task.with_options(retries=RETRIES.get(stage.name, 0))
        try:
            results[stage.name] = runner(stage.name, spec)
        except Exception as error:
            create_markdown_artifact(failure_summary(title, stage.name, error), key="failure")
            reason = error.message if isinstance(error, GanopsError) else repr(error)
            return Failed(message=f"stage {stage.name} failed: {reason}")
        update_progress_artifact(progress, 100.0 * (done + 1) / len(STAGES))
    _, paths, root = spec.load()
    ui_url = os.environ.get("GANOPS_MLFLOW_UI_URL")
    summary = run_summary(title, results, config, paths, root, ui_url)
    create_markdown_artifact(summary, key="summary")
    return results
