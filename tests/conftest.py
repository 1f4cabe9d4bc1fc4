"""Shared fixtures. Every test gets its own MLflow store and output folder under tmp_path."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"

sys.path.insert(0, str(PROJECT_ROOT / "src"))
from ganops.environment import configure  # noqa: E402

configure(PROJECT_ROOT)

pytest_plugins = ["tests.servers", "tests.projects"]

# Small but real: 512 Fashion-MNIST training images, one pass, batch 64.
TINY_OVERRIDES = {
    "data.path": "tests/fixtures/fashion-mnist",
    "train.epochs": 1,
    "train.batch_size": 64,
    "train.log_every_steps": 2,
    "train.grid_size": 4,
    "train.snapshot_kimg": 0.5,  # a snapshot (grid, estimate, checkpoint) every pass
    "evaluate.n_samples": 256,
    "evaluate.batch_size": 128,
}

# Enough training (160 steps of the default model, ~15 s) for a generator that passes the
# quality gate's sanity check; tiny runs make untrained generators, which the gate refuses.
SANE_OVERRIDES = TINY_OVERRIDES | {
    "train.epochs": 0,
    "train.max_steps": 160,
    "train.snapshot_kimg": 5,
}

# The text pipeline on the fortunes fixture (827 entries), checked by the text metrics gate.
TEXT_PARAMS = {
    "data": {"dataset": "fortunes", "path": str(FIXTURES / "fortunes")},
    "register": {"metric": "jsd_4", "lower_is_better": True},
}


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture
def tiny_overrides() -> dict:
    return dict(TINY_OVERRIDES)


@pytest.fixture
def sane_overrides() -> dict:
    return dict(SANE_OVERRIDES)


@pytest.fixture
def mlflow_uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh embedded MLflow store for this test, seen by child processes too."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    # mlflow.set_registry_uri() exports MLFLOW_REGISTRY_URI for child processes: pin it too,
    # or an in-process test would leave its own store behind for the next test's children.
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", uri)
    # In this process too: an earlier test's mlflow.set_tracking_uri() would otherwise win
    # over the variables above for in-process clients (mlflow.pyfunc.load_model, ...).
    import mlflow

    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return uri


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_bin(name: str) -> str:
    """A console script of the interpreter running the tests (the project's .venv)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, **extra)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env
