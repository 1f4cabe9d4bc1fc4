"""Process environment shared by every entry point (CLI, flows, tests).

Keeps every tool's state inside the project (``.ganops/``) instead of the home folder, turns
off telemetry, and quiets TensorFlow's C++ logs. Call ``configure()`` before importing
TensorFlow, MLflow, Prefect or DVC.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


def cache_root(project_root: Path | None = None) -> Path:
    """Content-keyed caches: ``GANOPS_CACHE_DIR``, else the project's ``.ganops/cache``.

    Every entry is keyed by what it depends on (data contents, settings, machine), so projects
    that name the same folder share it safely: a classifier trained for one checkout serves
    another with the same data and settings.
    """
    chosen = os.environ.get("GANOPS_CACHE_DIR")
    if chosen:
        return Path(chosen)
    return state_dir(find_project_root(project_root)) / "cache"


# Printed by TensorFlow's C++ libraries while it is imported, before its log level applies.
STARTUP_NOISE = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "This TensorFlow binary is optimized to use available CPU instructions",
    "To enable the following instructions:",
)


@contextmanager
def quiet_stderr(noise: tuple[str, ...]) -> Iterator[None]:
    """Keep lines holding any of ``noise`` that C++ libraries print on file descriptor 2 off
    the terminal (Python's logging cannot filter them); any other line is passed on."""
    sys.stderr.flush()
    with tempfile.TemporaryFile() as captured:
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode("utf-8", "replace").splitlines():
                if line.strip() and not any(text in line for text in noise):
                    print(line, file=sys.stderr)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow once with its start-up banners kept off the terminal (they would
    look like warnings on every run); any other line printed meanwhile is passed on."""
    if "tensorflow" in sys.modules:
        return
    with quiet_stderr(STARTUP_NOISE):
        import tensorflow  # noqa: F401


def configure(project_root: Path | None = None) -> Path:
    """Set the environment variables the stack needs; returns the project root.

    Values already set by the user win (``setdefault``), so a tracking server or a Prefect
    API URL can always be chosen from outside.
    """
    root = find_project_root(project_root)
    state = state_dir(root)
    defaults = {
        # 3: TensorFlow's C++ errors too. The one printed on the default path ("remapper
        # failed ... LeakyReluGrad", a graph optimisation skipped at the first trace) is
        # harmless, and real failures reach Python as exceptions. Set 0 to see everything.
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PREFECT_HOME": str(state / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DVC_NO_ANALYTICS": "1",
        "DVC_SITE_CACHE_DIR": str(state / "dvc-site-cache"),
        "KERAS_HOME": str(state / "keras"),
        "MPLCONFIGDIR": str(state / "matplotlib"),
        # Content-keyed caches (classifier, real features, the precision probe); child processes
        # inherit it, so every stage and flow of a checkout shares one.
        "GANOPS_CACHE_DIR": str(cache_root(root)),
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
