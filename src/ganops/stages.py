"""The stage graph, declared once: each stage's function, what it reads and writes, which
parameter sections and which library code it depends on.

The CLI (``ganops <stage>``, ``ganops pipeline``), both Prefect flows and ``dvc.yaml`` (rendered
from ``STAGES`` by ``ganops stages --dvc-yaml``; a test keeps the committed file current) all
follow this list, so every path runs the same stages in the same order with the same inputs.

Each stage reads its inputs from paths under ``RunPaths``, writes its outputs atomically, and
returns a small JSON-able summary. What differs between images and text is asked of the
configuration's modality (``ganops.modalities``). Heavy imports (TensorFlow, MLflow) happen
inside the stage that needs them so that validating parameters stays fast.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ganops.config import Config
from ganops.errors import ConfigError, DataError, GanopsError
from ganops.paths import RunPaths, write_text_atomic

log = logging.getLogger(__name__)
StageFunction = Callable[[Config, RunPaths, Path], dict[str, Any]]


def prepare(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Raw files under ``data/`` -> ``prepared/`` arrays and ``summary.json``."""
    return config.modality.prepare(config, paths, project_root)


def classifier(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """The learned feature space of the evaluation metrics (cached per data version); a
    modality that needs none records why."""
    summary = config.modality.classifier(config, paths, project_root)
    if not (paths.classifier / "summary.json").is_file():
        paths.classifier.mkdir(parents=True, exist_ok=True)
        write_text_atomic(paths.classifier / "summary.json", json.dumps(summary, indent=2))
    return summary


def train(
    config: Config, paths: RunPaths, project_root: Path, run_name: str | None = None
) -> dict[str, Any]:
    """Train the GAN; log losses, samples and the generator to the pipeline's MLflow run."""
    from ganops.train_stage import train as train_generator

    modality = config.modality
    return train_generator(
        config, paths, project_root, modality, run_name or modality.run_label(config)
    )


def evaluate(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Sample the generator and measure it against the held-out data; write
    ``metrics.json`` and the pictures, and add both to the pipeline's MLflow run."""
    from ganops.tracking.runs import continue_run, log_metrics, read_run_id

    run_id = read_run_id(paths.run_info)
    evaluation = config.modality.evaluate(config, paths, project_root)
    metrics = evaluation.metrics
    write_text_atomic(paths.metrics, json.dumps(metrics, indent=2))
    with continue_run(config, project_root, run_id) as client:
        numbers = numeric_metrics(metrics)
        log_metrics(client, run_id, [{"step": 0, **numbers}], list(numbers))
        for picture in [*evaluation.pictures, paths.metrics]:
            client.log_artifact(run_id, str(picture), "evaluation")
        for key, value in evaluation.tags.items():
            client.set_tag(run_id, key, value)
    return metrics


def numeric_metrics(metrics: dict[str, Any]) -> dict[str, float]:
    """The numbers of ``metrics.json`` (it also holds descriptions: the feature space, ...)."""
    return {k: float(v) for k, v in metrics.items() if isinstance(v, int | float)}


def register(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Log the measured generator as a model of the run, register it, alias it
    ``candidate``, and move ``champion`` through the gate (not inside ``dvc exp run`` unless
    ``register.promote`` says so: ``promote`` does it later)."""
    import os

    from ganops.tracking.registry import (
        champion_hold,
        describe_version,
        log_model_to_run,
        register_generator,
    )
    from ganops.tracking.runs import continue_run, data_hash, git_commit, read_run_id
    from ganops.tracking.store_lock import store_lock

    run_id = read_run_id(paths.run_info)
    metrics = json.loads(paths.metrics.read_text())
    if config.register.metric not in metrics:
        raise ConfigError(
            f"register.metric: {config.register.metric!r} is not in {paths.metrics}",
            hint="allowed: "
            + ", ".join(sorted(k for k, v in metrics.items() if isinstance(v, float))),
        )
    modality = config.modality
    # Logged here, not at training: the served model carries what evaluation chose (text:
    # the sampling temperature).
    model_uri = log_model_to_run(
        config, project_root, run_id, paths.generator, modality.name,
        modality.served_model(config, paths), numeric_metrics(metrics),
    )  # fmt: skip
    # The champion decision holds the registry's own lock (any host); on sqlite this file lock
    # also serialises the step's writes on this machine.
    with (
        continue_run(config, project_root, run_id) as client,
        store_lock(config.tracking_uri(project_root)),
    ):
        decision = register_generator(
            client,
            model_uri,
            config.register,
            float(metrics[config.register.metric]),
            {
                "ganops.run_id": run_id,
                "ganops.data_md5": data_hash(project_root),
                "ganops.git_commit": git_commit(project_root),
            },
            modality.sanity_problems(metrics),
            champion_hold(config.register.promote, os.environ),
        )
        describe_version(
            client, config, decision, metrics, json.loads(paths.run_info.read_text()),
            data_hash(project_root),
        )  # fmt: skip
        client.set_tag(run_id, "ganops.model_version", decision.version)
        client.set_tag(run_id, "ganops.gate_decision", decision.reason)
        client.set_tag(run_id, "ganops.gate_promoted", str(decision.promoted).lower())
    verdict = "champion" if decision.promoted else "candidate only"
    message = f"quality gate: {decision.model_name} v{decision.version} -> {verdict}: "
    log.info(message + decision.reason)
    result = decision.as_dict() | {"run_id": run_id}
    write_text_atomic(paths.registration, json.dumps(result, indent=2))
    return result


def promote(
    config: Config,
    paths: RunPaths,
    project_root: Path,
    model: str | None = None,
    version: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Move ``champion`` to a registered version through the register stage's gate (against
    the champion of now): the one the pipeline in ``paths`` registered last, or ``model``
    ``version``. Not a stage: a person runs it, typically after ``dvc exp run``."""
    from ganops.tracking.registry import promote_version
    from ganops.tracking.runs import connect
    from ganops.tracking.store_lock import store_lock

    if model is None:
        if not paths.registration.is_file():
            raise DataError(
                f"{paths.registration} not found: nothing registered in {paths.root}",
                hint="run the pipeline first, pass the --out folder of the pipeline that "
                "registered it, or name the model and version: ganops promote MODEL VERSION",
            )
        registration = json.loads(paths.registration.read_text())
        model, version = registration["model_name"], str(registration["version"])
    if model != config.register.model_name:
        raise ConfigError(
            f"register.model_name: {model!r} is not the model of these parameters "
            f"({config.register.model_name!r}), whose gate settings would judge it",
            hint="pass the parameters file that registers it, e.g. --params params-text.yaml",
        )
    client = connect(config, project_root)
    # Read champion, compare, move alias: one atomic step, as in the register stage.
    with store_lock(config.tracking_uri(project_root)):
        decision = promote_version(client, config.register, str(version), force)
    log.info(f"quality gate: {decision.model_name} v{decision.version}: {decision.reason}")
    return decision.as_dict()


@dataclass(frozen=True)
class Output:
    """One output (a ``RunPaths`` name) and how DVC keeps it."""

    name: str
    kind: str = "outs"  # outs | metrics | plots
    cache: bool = True
    persist: bool = False


@dataclass(frozen=True)
class Stage:
    name: str
    run: StageFunction
    help: str
    reads: tuple[str, ...]  # RunPaths names written by earlier stages
    writes: tuple[Output, ...]
    params: tuple[str, ...]  # config sections
    code: tuple[str, ...]  # library files and folders it runs, under src/ganops/
    reads_raw_data: bool = False  # data.path

    def __call__(self, config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
        """Run the stage after checking that its inputs exist (naming the stage to run)."""
        for name in self.reads:
            if not getattr(paths, name).exists():
                producer = next(s.name for s in STAGES if name in (o.name for o in s.writes))
                raise DataError(
                    f"{getattr(paths, name)} not found: `{self.name}` reads what "
                    f"`{producer}` writes",
                    hint=f"run `ganops {producer}` first (or `ganops pipeline`)",
                )
        return self.run(config, paths, project_root)


# Code every stage runs: the graph, the schema, the output layout, the modalities.
COMMON_CODE = ("stages.py", "config.py", "paths.py", "modalities")

STAGES: tuple[Stage, ...] = (
    Stage(
        "prepare",
        prepare,
        "read the raw data into arrays",
        reads=(),
        writes=(Output("prepared"),),
        params=("data", "text"),
        code=(*COMMON_CODE, "data"),
        reads_raw_data=True,
    ),
    Stage(
        "classifier",
        classifier,
        "train the domain classifier of the evaluation metrics (cached per data version)",
        reads=("prepared",),
        writes=(Output("classifier"),),
        params=("classifier",),
        code=(*COMMON_CODE, "evaluation/classifier.py"),
    ),
    Stage(
        "train",
        train,
        "train the GAN and log it to MLflow",
        # The classifier's feature space scores the checkpoints that pick the best generator.
        reads=("prepared", "classifier"),
        writes=(
            Output("model_dir"),
            Output("samples"),
            Output("loss_plot"),
            # Checkpoints survive a crash so that rerunning resumes; ganops discards them
            # itself when the data or train parameters change.
            Output("train_state", persist=True, cache=False),
            Output("losses", kind="plots", cache=False),
        ),
        params=("train", "text"),
        code=(*COMMON_CODE, "train_stage.py", "data", "models", "training", "evaluation"),
    ),
    Stage(
        "evaluate",
        evaluate,
        "measure sample quality, write metrics.json",
        reads=("model_dir", "prepared", "classifier"),
        writes=(Output("evaluation"), Output("metrics", kind="metrics", cache=False)),
        params=("evaluate",),
        code=(*COMMON_CODE, "evaluation", "data", "noise.py", "sampling.py"),
    ),
    Stage(
        "register",
        register,
        "register the generator; move aliases through the quality gate",
        reads=("model_dir", "metrics"),
        writes=(Output("registration", cache=False),),
        params=("register", "tracking"),
        code=(*COMMON_CODE, "tracking"),
    ),
)


def stage_named(name: str) -> Stage:
    return next(stage for stage in STAGES if stage.name == name)


def run_pipeline(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """All stages in order, in this process (the DVC and Prefect paths run the same)."""
    return {stage.name: stage(config, paths, project_root) for stage in STAGES}


def run_summary(
    title: str,
    results: dict[str, Any],
    config: Config,
    paths: RunPaths,
    project_root: Path,
    ui_url: str | None = None,
) -> str:
    """The end-of-run summary a person reads (markdown): model version and aliases, the gate's
    decision, a link to the MLflow run, the metrics beside their floors and the samples."""
    from ganops.report import summary_markdown
    from ganops.tracking.lookup import run_links

    registration = results.get("register", {})
    run_id = registration.get("run_id") or results.get("train", {}).get("run_id")
    links = run_links(
        config, project_root, run_id, registration.get("model_name"), registration.get("version")
    )
    samples = paths.evaluation / config.modality.samples_file
    pictures = sorted(p for p in paths.evaluation.glob("*.png") if p != samples)
    return summary_markdown(
        title,
        results,
        samples,
        links["tracking_uri"],
        ui_url,
        links["experiment_id"],
        links["aliases"],
        pictures,
    )


def saved_results(paths: RunPaths) -> dict[str, Any]:
    """The stages' results as they left them on disk (train, evaluate, register)."""
    files = {"train": paths.run_info, "evaluate": paths.metrics, "register": paths.registration}
    return {name: json.loads(path.read_text()) for name, path in files.items() if path.is_file()}


def terminal_summary(config: Config, paths: RunPaths) -> str:
    """The run in a few terminal lines: metrics beside floors, training, the gate, samples."""
    from ganops.report import terminal_summary as summary_lines

    results = saved_results(paths)
    if not results:
        raise GanopsError(
            f"no stage results under {paths.root}",
            hint="run the pipeline first (make run, or ganops pipeline), or pass its --out",
        )
    return summary_lines(results, paths.evaluation / config.modality.samples_file)


def failure_summary(title: str, stage: str, error: BaseException) -> str:
    """Which stage failed and why (markdown), with the hint of a ganops error."""
    from ganops.report import failure_markdown

    return failure_markdown(title, stage, error)
