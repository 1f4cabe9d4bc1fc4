"""Log the generator as a model, register it, and move aliases through a quality gate.

Registry stages are deprecated in MLflow: every new version gets alias ``candidate``; alias
``champion`` moves to it only when it is the first version or its gate metric beats the
current champion's by ``register.margin``. Both numbers are kept as version tags. The
decision holds ``champion_lock``, kept in the registry itself, so registrations racing through
one tracking server (from any number of hosts) decide one after the other.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

import ganops
from ganops.config import Config, RegisterConfig
from ganops.modalities import ServedModel
from ganops.tracking.champion_lock import champion_lock
from ganops.tracking.model_input import MODALITY_KEY

MODEL_ARTIFACT = "generator"
CANDIDATE, CHAMPION = "candidate", "champion"


def pip_requirements() -> list[str]:
    """Pinned explicitly: MLflow's inference costs seconds per log and guesses wrong for Keras 3."""
    from importlib.metadata import version

    names = ["keras", "mlflow", "numpy", "pandas"]
    pins = [f"{name}=={version(name)}" for name in names]
    # The light sampler's runtime, where it is installed (the default install has it).
    with contextlib.suppress(Exception):
        pins.append(f"ai-edge-litert=={version('ai-edge-litert')}")
    for tf_name in ("tensorflow-cpu", "tensorflow"):
        try:
            pins.append(f"{tf_name}=={version(tf_name)}")
            break
        except Exception:
            continue
    return pins


def log_generator(
    generator_path: Path,
    modality: str,
    served: ServedModel,
    metrics: dict[str, float] | None = None,
) -> str:
    """Log the ``.keras`` generator as a pyfunc model of ``modality`` in the active run, with
    what the modality's served model needs besides it, and ``metrics`` (its evaluation)
    attached to the logged model, where the model version's page shows them; returns the
    model's URI."""
    from ganops.modalities import modality_named

    package_dir = Path(ganops.__file__).parent
    # The light copy lives only until it is logged: train's outputs stay as train left them
    # (DVC would rerun train if register wrote into its model folder).
    with tempfile.TemporaryDirectory(prefix="ganops-light-") as folder:
        light = modality_named(modality).light_copy(generator_path, Path(folder))
        info = mlflow.pyfunc.log_model(
            name=MODEL_ARTIFACT,
            python_model=str(package_dir / "tracking" / "generator_model.py"),
            artifacts={"generator": str(generator_path), **served.artifacts, **light.artifacts},
            model_config={MODALITY_KEY: modality, **served.settings, **light.settings},
            code_paths=[str(package_dir)],
            signature=served.signature,
            input_example=served.input_example,
            pip_requirements=pip_requirements(),
        )
    if metrics:
        mlflow.log_metrics(metrics, model_id=info.model_id)
    return info.model_uri


def log_model_to_run(
    config: Config,
    project_root: Path,
    run_id: str,
    generator_path: Path,
    modality: str,
    served: ServedModel,
    metrics: dict[str, float] | None = None,
) -> str:
    """``log_generator`` inside the pipeline's (reopened) run; returns the model's URI."""
    from ganops.tracking.runs import connect

    connect(config, project_root)
    mlflow.start_run(run_id=run_id)
    try:
        return log_generator(generator_path, modality, served, metrics)
    finally:
        mlflow.end_run()


@dataclass
class Decision:
    model_name: str
    version: str
    metric: str
    value: float
    champion_before: str | None
    champion_value: float | None
    promoted: bool
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def is_better(value: float, reference: float, lower_is_better: bool, margin: float) -> bool:
    if not math.isfinite(value):
        return False
    return value <= reference - margin if lower_is_better else value >= reference + margin


def current_champion(client: MlflowClient, name: str) -> tuple[str, float] | None:
    try:
        version = client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None
    metric = version.tags.get("ganops.gate_value")
    return version.version, float(metric) if metric is not None else math.inf


def register_generator(
    client: MlflowClient,
    model_uri: str,
    config: RegisterConfig,
    value: float,
    run_tags: dict[str, str],
    problems: list[str] | None = None,
) -> Decision:
    """Register a new version, alias it ``candidate`` and decide on ``champion``.

    ``problems``: what the modality's sanity check found wrong with the samples (all alike,
    blank, ...); a version with any is never promoted, even as the first version."""
    name = config.model_name
    version = mlflow.register_model(model_uri, name).version
    tags = {"ganops.gate_metric": config.metric, "ganops.gate_value": repr(value), **run_tags}
    for key, tag_value in tags.items():
        client.set_model_version_tag(name, version, key, tag_value)
    # Aliases are last-writer-wins: read-decide-write only under the lock (module docstring).
    with champion_lock(client, name):
        _move_candidate(client, name, version)
        promoted, reason, before, before_value = _decide(
            client, name, version, config, value, problems
        )
    return Decision(
        name, str(version), config.metric, value, before, before_value, promoted, reason
    )


def _move_candidate(client: MlflowClient, name: str, version: str) -> None:
    """``candidate`` names the newest version: a registration that reaches the lock after a
    newer one (racing) leaves it there. Every version keeps ``ganops.candidate`` as history."""
    client.set_model_version_tag(name, version, "ganops.candidate", "true")
    try:
        current = client.get_model_version_by_alias(name, CANDIDATE).version
    except MlflowException:
        current = None
    if current is None or int(version) > int(current):
        client.set_registered_model_alias(name, CANDIDATE, version)


def _decide(
    client: MlflowClient,
    name: str,
    version: str,
    config: RegisterConfig,
    value: float,
    problems: list[str] | None,
) -> tuple[bool, str, str | None, float | None]:
    """Compare with the champion and move it; call only under ``champion_lock``."""
    champion = current_champion(client, name)
    before, before_value = champion or (None, None)
    if problems:
        promoted, reason = False, "refused by the sanity check: " + "; ".join(problems)
    elif champion is None:
        promoted, reason = True, "first version of this model"
    else:
        promoted = is_better(value, before_value, config.lower_is_better, config.margin)
        direction = "lower" if config.lower_is_better else "higher"
        verdict = "beats" if promoted else "does not beat"
        reason = (
            f"{config.metric} {value:.4g} {verdict} champion v{before}'s {before_value:.4g} "
            f"({direction} is better, margin {config.margin:g})"
        )
        client.set_model_version_tag(
            name, version, "ganops.champion_value_at_registration", repr(before_value)
        )
    if promoted:
        client.set_registered_model_alias(name, CHAMPION, version)
    client.set_model_version_tag(name, version, "ganops.gate_decision", reason)
    return promoted, reason, before, before_value


def describe_version(
    client: MlflowClient,
    config: Config,
    decision: Decision,
    metrics: dict,
    train: dict,
    data_md5: str,
) -> None:
    """The model card on the version's page, and the model's description if it has none."""
    from ganops.tracking.model_card import model_description, version_card

    card = version_card(config, decision.version, metrics, train, decision.reason, data_md5)
    client.update_model_version(decision.model_name, decision.version, description=card)
    if not client.get_registered_model(decision.model_name).description:
        client.update_registered_model(decision.model_name, model_description(config))
