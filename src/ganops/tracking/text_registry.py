"""Log the text generator (Keras model + vocabulary) as a pyfunc: seeds in, strings out.

Registration and the quality gate are shared with images (``registry.register_generator``):
only what is logged differs.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema

import ganops
from ganops.tracking.registry import MODEL_ARTIFACT, pip_requirements


def log_text_generator(generator_path: Path, vocabulary_path: Path) -> str:
    """Log the generator in the active run; returns its model URI."""
    signature = ModelSignature(
        inputs=Schema([ColSpec("long", "seed")]), outputs=Schema([ColSpec("string", "text")])
    )
    package_dir = Path(ganops.__file__).parent
    info = mlflow.pyfunc.log_model(
        name=MODEL_ARTIFACT,
        python_model=str(package_dir / "tracking" / "text_generator_model.py"),
        artifacts={"generator": str(generator_path), "vocabulary": str(vocabulary_path)},
        code_paths=[str(package_dir)],
        signature=signature,
        pip_requirements=pip_requirements(),
    )
    return info.model_uri
