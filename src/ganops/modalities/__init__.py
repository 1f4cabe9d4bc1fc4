"""The modality registry: images, text, ... each one module in this package.

Every module here that defines ``MODALITY`` (an instance of ``base.Modality``) is found when
the registry is first used; nothing else needs to list it. Shared code asks the registry
which modality a dataset belongs to and calls it: there is no ``if modality == ...`` outside
this package.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ganops.modalities.base import Evaluation, LightCopy, Modality, Sampler, ServedModel

__all__ = [
    "Evaluation",
    "LightCopy",
    "Modality",
    "Sampler",
    "ServedModel",
    "all_modalities",
    "gate_directions",
    "modality_named",
    "modality_of",
]


@cache
def all_modalities() -> tuple[Modality, ...]:
    """Every registered modality, in module-name order (image before text)."""
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module.name == "base":
            continue
        modality = getattr(importlib.import_module(f"{__name__}.{module.name}"), "MODALITY", None)
        if isinstance(modality, Modality):
            found.append(modality)
    names = [modality.name for modality in found]
    datasets = [dataset for modality in found for dataset in modality.datasets]
    if len(set(names)) != len(names) or len(set(datasets)) != len(datasets):
        raise RuntimeError(f"modalities must not share names or datasets: {names}, {datasets}")
    return tuple(found)


def modality_named(name: str) -> Modality:
    for modality in all_modalities():
        if modality.name == name:
            return modality
    allowed = ", ".join(m.name for m in all_modalities())
    raise KeyError(f"no modality named {name!r}; registered: {allowed}")


def modality_of(dataset: str) -> Modality:
    """The modality that ``data.dataset`` belongs to."""
    for modality in all_modalities():
        if dataset in modality.datasets:
            return modality
    raise KeyError(f"no modality handles dataset {dataset!r}")


def gate_directions() -> dict[str, bool]:
    """Every gate metric of every modality -> whether higher is better."""
    return {
        metric: higher
        for modality in all_modalities()
        for metric, higher in modality.gate_metrics.items()
    }
