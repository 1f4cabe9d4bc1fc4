"""The generator as an MLflow pyfunc model: a table of seeds in, images out.

Logged with MLflow's "models from code": this file is stored with the model and executed on
load, so any MLflow client (Python, ``mlflow models serve``) can sample a generator without
unpickling ganops objects. Output: float32 images in [0, 1], shape (n, H, W, C). A
class-conditional generator also reads an optional ``label`` column (default: seed mod the
number of classes, the evaluation's balanced labels).
"""

from __future__ import annotations

from typing import Any

import mlflow
import numpy as np
import pandas as pd

from ganops.noise import noise_from_seeds

SEED_COLUMN = "seed"
LABEL_COLUMN = "label"


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
        from ganops.evaluation.conditioning import is_conditional, latent_dim

        self.conditional = is_conditional(self.generator)
        self.latent_dim = latent_dim(self.generator)
        # The label embedding's size is the number of classes the generator was trained on.
        embeddings = [
            layer for layer in self.generator.layers if layer.__class__.__name__ == "Embedding"
        ]
        self.n_classes = int(embeddings[0].input_dim) if embeddings else 0

    def predict(
        self,
        context: mlflow.pyfunc.PythonModelContext,
        model_input: Any,
        params: dict[str, Any] | None = None,
    ) -> np.ndarray:
        from ganops.evaluation.conditioning import generator_inputs

        seeds = seeds_from_input(model_input)
        z = noise_from_seeds(seeds, self.latent_dim)
        labels = None
        if self.conditional:
            given = isinstance(model_input, pd.DataFrame) and LABEL_COLUMN in model_input
            labels = (
                [int(label) for label in model_input[LABEL_COLUMN]]
                if given
                else [seed % max(self.n_classes, 1) for seed in seeds]
            )
        feed = generator_inputs(self.generator, z, labels)
        images = np.asarray(self.generator.predict_on_batch(feed), dtype=np.float32)
        return ((images + 1.0) / 2.0).clip(0.0, 1.0)


mlflow.models.set_model(GeneratorModel())
