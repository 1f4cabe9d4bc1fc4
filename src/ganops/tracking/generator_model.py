"""The generator as an MLflow pyfunc model: a table of seeds in, images out.

Logged with MLflow's "models from code": this file is stored with the model and executed on
load, so any MLflow client (Python, ``mlflow models serve``) can sample a generator without
unpickling ganops objects. Output: float32 images in [0, 1], shape (n, H, W, C).
"""

from __future__ import annotations

from typing import Any

import mlflow
import numpy as np
import pandas as pd

from ganops.noise import noise_from_seeds

SEED_COLUMN = "seed"


def seeds_from_input(model_input: Any) -> list[int]:
    """Accept a DataFrame with a ``seed`` column, a list of ints or a 1-d array."""
    if isinstance(model_input, pd.DataFrame):
        column = model_input[SEED_COLUMN] if SEED_COLUMN in model_input else model_input.iloc[:, 0]
        return [int(seed) for seed in column]
    if isinstance(model_input, dict):
        return [int(seed) for seed in np.ravel(model_input[SEED_COLUMN])]
    return [int(seed) for seed in np.ravel(model_input)]


class GeneratorModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        import keras

        # safe_mode: refuse to deserialise arbitrary Python (lambda layers) from the file.
        self.generator = keras.saving.load_model(
            context.artifacts["generator"], compile=False, safe_mode=True
        )
        self.latent_dim = int(self.generator.input_shape[-1])

    def predict(
        self,
        context: mlflow.pyfunc.PythonModelContext,
        model_input: Any,
        params: dict[str, Any] | None = None,
    ) -> np.ndarray:
        seeds = seeds_from_input(model_input)
        z = noise_from_seeds(seeds, self.latent_dim)
        images = np.asarray(self.generator.predict_on_batch(z), dtype=np.float32)
        return ((images + 1.0) / 2.0).clip(0.0, 1.0)


mlflow.models.set_model(GeneratorModel())
