"""The served models' input: a table of seeds (and optional columns), however it arrives.

MLflow hands a pyfunc a DataFrame (Python clients, REST ``dataframe_split``), a dict of
columns (REST ``inputs``) or a plain list of seeds; these helpers read all of them alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

SEED_COLUMN = "seed"
# The key of the logged model's config that names its modality (``ganops.modalities``).
MODALITY_KEY = "modality"


def seeds_from_input(model_input: Any) -> list[int]:
    """The ``seed`` column of a DataFrame or dict (else its first column), or a list of ints."""
    if isinstance(model_input, pd.DataFrame):
        if SEED_COLUMN in model_input:
            return [int(seed) for seed in model_input[SEED_COLUMN]]
        return [int(seed) for seed in model_input.iloc[:, 0]]
    if isinstance(model_input, dict):
        return [int(seed) for seed in np.ravel(model_input[SEED_COLUMN])]
    return [int(seed) for seed in np.ravel(model_input)]


def column(model_input: Any, name: str) -> list[Any] | None:
    """An optional column's values, or None when the input has no such column."""
    if isinstance(model_input, pd.DataFrame) and name in model_input:
        return list(model_input[name])
    if isinstance(model_input, dict) and name in model_input:
        return list(np.ravel(model_input[name]))
    return None
