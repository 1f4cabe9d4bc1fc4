"""Log the generator as a model, register it, and move aliases through a quality gate.

Registry stages are deprecated in MLflow: every new version gets alias ``candidate``; alias
``champion`` moves to it only when it is the first version or its gate metric beats the
current champion's by ``register.margin``. Both numbers are kept as version tags. One function,
``gate``, makes that decision, both when the register stage runs and when ``ganops promote``
moves champion later (to a candidate that an experiment registered, see ``champion_hold``).
Either holds ``champion_lock``, kept in the registry itself, so decisions racing through one
tracking server (from any number of hosts) happen one after the other.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

import ganops
from ganops.config import Config, Promote, RegisterConfig
from ganops.errors import ConfigError, GanopsError
from ganops.modalities import ServedModel
from ganops.tracking.champion_lock import champion_lock
from ganops.tracking.model_input import MODALITY_KEY

MODEL_ARTIFACT = "generator"
CANDIDATE, CHAMPION = "candidate", "champion"
SANITY_TAG = "ganops.sanity_problems"
# Set by DVC for each stage command of `dvc exp run` (dvc/env.py), not by `dvc repro`.
DVC_EXPERIMENT = "DVC_EXP_NAME"


class GateRefused(GanopsError):
    """A version asked to be champion does not pass the quality gate."""


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
    promoted: bool  # alias champion moved to this version
    reason: str
    passed: bool = False  # what the gate said (a held or forced version differs from promoted)

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
    return str(version.version), float(metric) if metric is not None else math.inf


def gate(
    config: RegisterConfig,
    value: float,
    champion: tuple[str, float] | None,
    problems: list[str] | None = None,
) -> tuple[bool, str]:
    """The quality gate, the one place that decides whether a version may be champion: never
    with sanity problems, always as the first version, else only by beating the champion's
    gate value by ``config.margin``. Returns the verdict and its reason for people."""
    if problems:
        return False, "refused by the sanity check: " + "; ".join(problems)
    if champion is None:
        return True, "first version of this model"
    before, before_value = champion
    passed = is_better(value, before_value, config.lower_is_better, config.margin)
    direction = "lower" if config.lower_is_better else "higher"
    verdict = "beats" if passed else "does not beat"
    return passed, (
        f"{config.metric} {value:.4g} {verdict} champion v{before}'s {before_value:.4g} "
        f"({direction} is better, margin {config.margin:g})"
    )


def champion_hold(setting: Promote | str, environ: Mapping[str, str]) -> str | None:
    """Why ``champion`` must stay where it is whatever the gate says, or None when a passing
    version may take it. ``auto`` holds it inside ``dvc exp run``: DVC sets ``DVC_EXP_NAME``
    (and ``DVC_EXP_BASELINE_REV``) for the stage commands of an experiment, never for
    ``dvc repro``."""
    setting = Promote(setting)  # the loaded config holds the plain string (use_enum_values)
    if setting is Promote.never:
        return "register.promote is never"
    if setting is Promote.auto and environ.get(DVC_EXPERIMENT):
        return f"experiment {environ[DVC_EXPERIMENT]} (dvc exp run) registers candidates only"
    return None


def promote_hint(name: str, version: str) -> str:
    return f"ganops promote {name} {version}"


def register_generator(
    client: MlflowClient,
    model_uri: str,
    config: RegisterConfig,
    value: float,
    run_tags: dict[str, str],
    problems: list[str] | None = None,
    hold: str | None = None,
) -> Decision:
    """Register a new version, alias it ``candidate`` and decide on ``champion``.

    ``problems``: what the modality's sanity check found wrong with the samples (all alike,
    blank, ...); a version with any is never promoted, even as the first version.
    ``hold``: why champion must not move now (``champion_hold``); the gate's verdict is
    still recorded, and ``ganops promote`` applies it later."""
    name = config.model_name
    version = str(mlflow.register_model(model_uri, name).version)
    tags = {"ganops.gate_metric": config.metric, "ganops.gate_value": repr(value), **run_tags}
    if problems:  # kept for `ganops promote`, which applies the same gate later
        tags[SANITY_TAG] = "; ".join(problems)
    for key, tag_value in tags.items():
        client.set_model_version_tag(name, version, key, tag_value)
    # Aliases are last-writer-wins: read-decide-write only under the lock (module docstring).
    with champion_lock(client, name):
        _move_candidate(client, name, version)
        return _decide(client, name, version, config, value, problems, hold)


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
    hold: str | None,
) -> Decision:
    """Compare with the champion and move it; call only under ``champion_lock``."""
    champion = current_champion(client, name)
    before, before_value = champion or (None, None)
    passed, reason = gate(config, value, champion, problems)
    if champion is not None and not problems:
        client.set_model_version_tag(
            name, version, "ganops.champion_value_at_registration", repr(before_value)
        )
    promoted = passed and hold is None
    if promoted:
        client.set_registered_model_alias(name, CHAMPION, version)
    elif passed:
        reason += f"; kept as candidate: {hold} (to make it champion: "
        reason += f"{promote_hint(name, version)})"
    client.set_model_version_tag(name, version, "ganops.gate_decision", reason)
    return Decision(
        name, version, config.metric, value, before, before_value, promoted, reason, passed
    )


def promote_version(
    client: MlflowClient, config: RegisterConfig, version: str, force: bool = False
) -> Decision:
    """Move ``champion`` of ``config.model_name`` to ``version`` if it passes the same gate the
    register stage applies, against the champion of now. Refuses with a ``GateRefused`` naming
    what to do; ``force`` skips the gate (a deliberate rollback) and says so in the tags."""
    name = config.model_name
    try:
        found = client.get_model_version(name, version)
    except MlflowException:
        raise ConfigError(
            f"model {name!r} has no version {version!r}",
            hint="see its versions in the MLflow UI, or `ganops promote --out FOLDER` for "
            "the version that pipeline registered last",
        ) from None
    metric = found.tags.get("ganops.gate_metric")
    if metric != config.metric:
        raise ConfigError(
            f"register.metric: {name} v{version} was gated on {metric!r}, the parameters "
            f"say {str(config.metric)!r}",
            hint="pass the parameters file that registered it (--params)",
        )
    value = float(found.tags.get("ganops.gate_value", "nan"))
    problems = [found.tags[SANITY_TAG]] if found.tags.get(SANITY_TAG) else None
    with champion_lock(client, name):
        return _promote(client, config, name, str(version), str(metric), value, problems, force)


def _promote(
    client: MlflowClient,
    config: RegisterConfig,
    name: str,
    version: str,
    metric: str,
    value: float,
    problems: list[str] | None,
    force: bool,
) -> Decision:
    """``promote_version``'s decision; call only under ``champion_lock``."""
    champion = current_champion(client, name)
    before, before_value = champion or (None, None)
    if before == str(version):
        return Decision(
            name, str(version), str(metric), value, before, before_value, False,
            "already champion", True,
        )  # fmt: skip
    passed, reason = gate(config, value, champion, problems)
    if not passed and not force:
        raise GateRefused(
            f"{name} v{version} does not pass the quality gate: {reason}",
            hint="it stays a candidate; train a better one (dvc exp run -S ...), or roll "
            f"back on purpose with `{promote_hint(name, version)} --force`",
        )
    if not passed:
        reason = f"promoted by hand past the gate (--force); the gate said: {reason}"
    client.set_registered_model_alias(name, CHAMPION, version)
    client.set_model_version_tag(name, version, "ganops.gate_decision", reason)
    return Decision(
        name, str(version), str(metric), value, before, before_value, True, reason, passed
    )


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
