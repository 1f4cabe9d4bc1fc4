"""The text generator as an MLflow pyfunc model: a table of seeds in, strings out.

Logged with MLflow's "models from code" like the image generator (``generator_model.py``):
the Keras generator and the vocabulary are artifacts, and ``ganops.data.text.decode`` (the
same decoder as evaluation and training) turns its per-position softmax into strings.
Output: a DataFrame with one ``text`` column, one row per seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd

from ganops.data.text import Vocabulary, decode
from ganops.noise import noise_from_seeds
from ganops.tracking.generator_model import seeds_from_input

TEXT_COLUMN = "text"


class TextGeneratorModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        import keras

        self.generator = keras.saving.load_model(
            context.artifacts["generator"], compile=False, safe_mode=True
        )
        self.latent_dim = int(self.generator.input_shape[-1])
        self.vocabulary = Vocabulary.from_json(
            Path(context.artifacts["vocabulary"]).read_text(encoding="utf-8")
        )

    def predict(
        self,
        context: mlflow.pyfunc.PythonModelContext,
        model_input: Any,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        z = noise_from_seeds(seeds_from_input(model_input), self.latent_dim)
        probabilities = np.asarray(self.generator.predict_on_batch(z))
        return pd.DataFrame({TEXT_COLUMN: decode(probabilities, self.vocabulary)})


mlflow.models.set_model(TextGeneratorModel())
