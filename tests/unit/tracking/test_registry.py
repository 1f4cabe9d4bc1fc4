"""The quality gate: a margin, both directions, never NaN; when champion may move, and
``promote_version`` applying the same gate later (on a real embedded registry)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from ganops.config import Promote, RegisterConfig
from ganops.errors import ConfigError
from ganops.tracking.registry import (
    CHAMPION,
    SANITY_TAG,
    GateRefused,
    champion_hold,
    gate,
    is_better,
    promote_version,
)


def test_gate_lower_is_better_with_margin() -> None:
    assert is_better(10.0, 12.0, lower_is_better=True, margin=1.0)
    assert not is_better(11.5, 12.0, lower_is_better=True, margin=1.0)
    assert not is_better(13.0, 12.0, lower_is_better=True, margin=0.0)


def test_gate_higher_is_better() -> None:
    assert is_better(0.9, 0.8, lower_is_better=False, margin=0.05)
    assert not is_better(0.82, 0.8, lower_is_better=False, margin=0.05)


def test_gate_never_promotes_nan() -> None:
    assert not is_better(math.nan, 12.0, lower_is_better=True, margin=0.0)


def settings(**changes: object) -> RegisterConfig:
    return RegisterConfig(model_name="m", **changes)


def test_the_gate_decides_and_says_why() -> None:
    assert gate(settings(), 9.0, None) == (True, "first version of this model")
    passed, reason = gate(settings(margin=0.5), 9.0, ("3", 10.0))
    assert passed and reason.startswith("fid_domain 9 beats champion v3's 10")
    passed, reason = gate(settings(margin=1.5), 9.0, ("3", 10.0))
    assert not passed and "does not beat" in reason and "margin 1.5" in reason
    passed, reason = gate(settings(), 1.0, None, ["all samples alike"])
    assert not passed and reason == "refused by the sanity check: all samples alike"


def test_champion_holds_inside_dvc_exp_run_unless_asked() -> None:
    experiment = {"DVC_EXP_NAME": "lumpy-dace", "DVC_EXP_BASELINE_REV": "abc"}
    assert champion_hold(Promote.auto, {}) is None  # dvc repro, make run, the flows
    assert "lumpy-dace" in champion_hold(Promote.auto, experiment)
    assert champion_hold(Promote.gate, experiment) is None
    assert champion_hold(Promote.never, {}) == "register.promote is never"
    # As a loaded configuration holds it: the plain string.
    assert champion_hold(settings(promote="auto").promote, experiment) is not None


@pytest.fixture
def client(tmp_path: Path) -> MlflowClient:
    """A real embedded registry holding model m: v1 champion at 10, v2 at 8, v3 at 12."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    registry = MlflowClient(uri, uri)
    registry.create_registered_model("m")
    for value in (10.0, 8.0, 12.0):
        version = registry.create_model_version("m", (tmp_path / "model").as_uri()).version
        registry.set_model_version_tag("m", version, "ganops.gate_metric", "fid_domain")
        registry.set_model_version_tag("m", version, "ganops.gate_value", repr(value))
    registry.set_registered_model_alias("m", CHAMPION, "1")
    return registry


def champion_of(client: MlflowClient) -> str:
    return str(client.get_model_version_by_alias("m", CHAMPION).version)


def test_promote_moves_champion_through_the_same_gate(client: MlflowClient) -> None:
    decision = promote_version(client, settings(), "2")
    assert decision.promoted and decision.passed and decision.champion_before == "1"
    assert champion_of(client) == "2"
    assert promote_version(client, settings(), "2").reason == "already champion"


def test_promote_refuses_what_the_gate_refuses_naming_the_way_out(client: MlflowClient) -> None:
    with pytest.raises(GateRefused) as refused:
        promote_version(client, settings(), "3")
    assert "does not beat champion v1's 10" in refused.value.message
    assert "ganops promote m 3 --force" in refused.value.hint
    assert champion_of(client) == "1"
    # A deliberate rollback passes by hand, and the version says so.
    forced = promote_version(client, settings(), "3", force=True)
    assert forced.promoted and not forced.passed
    assert champion_of(client) == "3"
    assert "--force" in client.get_model_version("m", "3").tags["ganops.gate_decision"]


def test_promote_refuses_a_version_with_sanity_problems(client: MlflowClient) -> None:
    client.set_model_version_tag("m", "2", SANITY_TAG, "all samples alike")
    with pytest.raises(GateRefused, match="sanity check: all samples alike"):
        promote_version(client, settings(), "2")


def test_promote_names_a_missing_version_and_a_mismatched_metric(client: MlflowClient) -> None:
    with pytest.raises(ConfigError, match="no version '9'"):
        promote_version(client, settings(), "9")
    with pytest.raises(ConfigError, match=r"register\.metric"):
        promote_version(client, settings(metric="kid_domain"), "2")
