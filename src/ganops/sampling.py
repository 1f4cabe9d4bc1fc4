"""Load a generator (registry URI, run URI or ``.keras`` file) and sample images from it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ganops.errors import DataError, TrackingError

if TYPE_CHECKING:
    from ganops.modalities import Modality


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

    @property
    def modality(self) -> Modality:
        """The modality the model was logged with (``ganops.modalities``)."""
        from ganops.modalities import modality_named
        from ganops.tracking.model_input import MODALITY_KEY

        config = getattr(self.model, "model_config", None) or {}
        return modality_named(config.get(MODALITY_KEY, "image"))

    @property
    def runtime(self) -> str:
        """What runs the network: "litert" (no TensorFlow) or "keras"."""
        unwrap = getattr(self.model, "unwrap_python_model", None)
        return str(getattr(unwrap(), "runtime", "keras")) if unwrap else "keras"

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` samples for seeds ``seed .. seed + n - 1``: images (n, H, W, C) in [0, 1], or
        a flat array of n strings for a model that answers with one column (text)."""
        import pandas as pd

        seeds = pd.DataFrame({"seed": np.arange(seed, seed + n, dtype=np.int64)})
        output = self.model.predict(seeds)
        if isinstance(output, pd.DataFrame) and len(output.columns) == 1:
            return output.iloc[:, 0].to_numpy()
        return np.asarray(output)


def load_generator(uri: str, tracking_uri: str | None = None) -> LoadedGenerator:
    """Load ``uri`` through MLflow from ``tracking_uri``, else ``MLFLOW_TRACKING_URI``, else the
    store named in the project's ``params.yaml`` (the embedded sqlite database by default)."""
    import mlflow

    from ganops.environment import configure

    root = configure()
    # The variable first: reading and validating params.yaml costs a cold process ~0.1-0.8 s
    # (pydantic), which sampling from a given store does not need.
    tracking_uri = tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
    if tracking_uri is None and (root / "params.yaml").is_file():
        from ganops.config import load_config

        tracking_uri = load_config(root / "params.yaml").tracking_uri(root)
    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_registry_uri(tracking_uri)
    try:
        # Downloaded first, so that the requirements are checked here, by name: MLflow's own
        # check maps every installed package's files to its modules, ~0.7-2.8 s of a cold
        # pull in this 2.5 GB environment (more than the sampler's whole runtime).
        local = Path(mlflow.artifacts.download_artifacts(uri))
        warn_requirement_mismatches(local / "requirements.txt")
        return LoadedGenerator(mlflow.pyfunc.load_model(str(local), suppress_warnings=True), uri)
    except Exception as error:
        raise TrackingError(
            f"cannot load {uri}: {error}",
            hint="check the model name and alias in the MLflow UI, or MLFLOW_TRACKING_URI",
        ) from None


def requirement_mismatches(requirements: Path) -> list[str]:
    """The model's pinned requirements this environment does not satisfy, as MLflow's load
    reports them; each installed version is looked up by its distribution's name."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import InvalidRequirement, Requirement

    if not requirements.is_file():
        return []
    found = []
    for line in requirements.read_text().splitlines():
        try:
            requirement = Requirement(line.split("#")[0].strip())
        except InvalidRequirement:  # blank lines, options, paths, URLs
            continue
        if requirement.marker and not requirement.marker.evaluate():
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            installed = None
        if installed is None or not requirement.specifier.contains(installed, prereleases=True):
            found.append(f"{requirement} (installed: {installed or 'none'})")
    return found


def warn_requirement_mismatches(requirements: Path) -> None:
    import logging

    mismatches = requirement_mismatches(requirements)
    if mismatches:
        logging.getLogger(__name__).warning(
            "this environment does not satisfy the model's requirements: %s",
            "; ".join(mismatches),
        )
