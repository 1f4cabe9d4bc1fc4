"""Any ganops generator as an MLflow pyfunc model: a table of seeds in, samples out.

Logged with MLflow's "models from code": this file is stored with the model and executed on
load, so any MLflow client (Python, ``mlflow models serve``) can sample a generator without
unpickling ganops objects. The model's config names its modality; the modality turns the
table into samples (images in [0, 1] for images, a ``text`` column for text), so this file
is the same for every modality.
"""

from __future__ import annotations

from typing import Any

import mlflow
import pandas as pd

from ganops.tracking.model_input import MODALITY_KEY


class GeneratorModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        import keras

        from ganops.modalities import modality_named

        # safe_mode: refuse to deserialise arbitrary Python (lambda layers) from the file.
        generator = keras.saving.load_model(
            context.artifacts["generator"], compile=False, safe_mode=True
        )
        settings = dict(context.model_config)
        modality = modality_named(settings.pop(MODALITY_KEY))
        self.sampler = modality.load_sampler(generator, context.artifacts, settings)

    # A DataFrame input hint is one MLflow takes as "no schema from hints" (no warning on
    # load); the logged signature is the schema. A return hint would be read as one too.
    def predict(  # noqa: ANN201
        self,
        context: mlflow.pyfunc.PythonModelContext,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ):
        return self.sampler(model_input, params)


mlflow.models.set_model(GeneratorModel())
