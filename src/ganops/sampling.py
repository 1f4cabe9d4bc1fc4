"""Load a generator (registry URI, run URI or ``.keras`` file) and sample images from it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ganops.errors import DataError, TrackingError


def load_keras_generator(path: Path) -> Any:
    import keras

    if not path.is_file():
        raise DataError(f"{path}: generator not found", hint="run `ganops train` first")
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises ValueError/OSError/zipfile errors alike
        raise DataError(f"{path}: not a readable Keras model ({error})") from None


@dataclass
class LoadedGenerator:
    """A generator pulled from MLflow: ``sample(n, seed)`` gives images in [0, 1]."""

    model: Any  # mlflow.pyfunc.PyFuncModel
    uri: str

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        import pandas as pd

        seeds = pd.DataFrame({"seed": np.arange(seed, seed + n, dtype=np.int64)})
        return np.asarray(self.model.predict(seeds))


def load_generator(uri: str, tracking_uri: str | None = None) -> LoadedGenerator:
    """Load ``uri`` through MLflow from ``tracking_uri``, else ``MLFLOW_TRACKING_URI``, else the
    store named in the project's ``params.yaml`` (the embedded sqlite database by default)."""
    import mlflow

    from ganops.config import load_config
    from ganops.environment import configure
    from ganops.tracking.runs import tracking_uri as project_tracking_uri

    root = configure()
    if tracking_uri is None:
        params = root / "params.yaml"
        config = load_config(params) if params.is_file() else None
        tracking_uri = os.environ.get("MLFLOW_TRACKING_URI") or (
            project_tracking_uri(config, root) if config else None
        )
    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_registry_uri(tracking_uri)
    try:
        return LoadedGenerator(mlflow.pyfunc.load_model(uri), uri)
    except Exception as error:
        raise TrackingError(
            f"cannot load {uri}: {error}",
            hint="check the model name and alias in the MLflow UI, or MLFLOW_TRACKING_URI",
        ) from None
