"""ganops: train GANs in TensorFlow, track them in MLflow, orchestrate with Prefect and DVC."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from ganops.sampling import LoadedGenerator


def load_generator(uri: str) -> LoadedGenerator:
    """Load a registered generator (``models:/NAME@ALIAS``, ``runs:/...`` or a path).

    Returns an object with ``sample(n, seed)``. Imported lazily so that ``import ganops``
    stays cheap (TensorFlow is only imported when a model is actually loaded).
    """
    from ganops.sampling import load_generator as _load

    return _load(uri)


def __getattr__(name: str) -> Any:  # pragma: no cover - convenience only
    raise AttributeError(name)
