"""Process environment shared by every entry point (CLI, flows, tests).

Keeps every tool's state inside the project (``.ganops/``) instead of the home folder, turns
off telemetry, and quiets TensorFlow's C++ logs. Call ``configure()`` before importing
TensorFlow, MLflow, Prefect or DVC.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_MARKERS = ("params.yaml", "pyproject.toml")


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``params.yaml``; else ``start``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "params.yaml").is_file():
            return folder
    return here


def state_dir(project_root: Path) -> Path:
    return project_root / ".ganops"


def configure(project_root: Path | None = None) -> Path:
    """Set the environment variables the stack needs; returns the project root.

    Values already set by the user win (``setdefault``), so a tracking server or a Prefect
    API URL can always be chosen from outside.
    """
    root = find_project_root(project_root)
    state = state_dir(root)
    defaults = {
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PREFECT_HOME": str(state / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DVC_NO_ANALYTICS": "1",
        "DVC_SITE_CACHE_DIR": str(state / "dvc-site-cache"),
        "KERAS_HOME": str(state / "keras"),
        "MPLCONFIGDIR": str(state / "matplotlib"),
        # Measurements that depend only on the machine (the precision probe).
        "GANOPS_CACHE_DIR": str(state / "cache"),
        "MPLBACKEND": "Agg",
        # MLflow warns loudly about pip inference when it cannot resolve our local package.
        "MLFLOW_REQUIREMENTS_INFERENCE_TIMEOUT": "10",
        # A dead tracking server should cost seconds per call, not minutes: ganops buffers
        # and retries metrics itself (tracking.resilient).
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3",
        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    for key in ("PREFECT_HOME", "KERAS_HOME", "MPLCONFIGDIR", "DVC_SITE_CACHE_DIR"):
        Path(os.environ[key]).mkdir(parents=True, exist_ok=True)
    return root
