from __future__ import annotations

import math

from ganops.config import Config
from ganops.tracking.registry import is_better
from ganops.tracking.runs import redact


def test_gate_lower_is_better_with_margin() -> None:
    assert is_better(10.0, 12.0, lower_is_better=True, margin=1.0)
    assert not is_better(11.5, 12.0, lower_is_better=True, margin=1.0)
    assert not is_better(13.0, 12.0, lower_is_better=True, margin=0.0)


def test_gate_higher_is_better() -> None:
    assert is_better(0.9, 0.8, lower_is_better=False, margin=0.05)
    assert not is_better(0.82, 0.8, lower_is_better=False, margin=0.05)


def test_gate_never_promotes_nan() -> None:
    assert not is_better(math.nan, 12.0, lower_is_better=True, margin=0.0)


def test_relative_sqlite_uri_is_made_absolute(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert Config().tracking_uri(tmp_path) == f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5001")
    assert Config().tracking_uri(tmp_path) == "http://127.0.0.1:5001"


def test_passwords_are_redacted() -> None:
    assert redact("postgresql://me:secret@db:5432/x") == "postgresql://me:***@db:5432/x"
    assert redact("sqlite:////tmp/m.db") == "sqlite:////tmp/m.db"


def test_redact_leaves_plain_values_alone() -> None:
    assert redact("non_saturating") == "non_saturating"
    assert redact("me@example.org") == "me@example.org"


def test_form_paths_cannot_escape_the_project(tmp_path) -> None:
    import pytest

    from ganops.errors import ConfigError
    from ganops.paths import inside

    assert inside(tmp_path, "runs", "output_root") == (tmp_path / "runs").resolve()
    for bad in ("/etc", "../elsewhere", "runs/../../x"):
        with pytest.raises(ConfigError, match="outside the project folder"):
            inside(tmp_path, bad, "output_root")
