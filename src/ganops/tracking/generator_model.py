"""Any ganops generator as an MLflow pyfunc model: a table of seeds in, samples out.

Logged with MLflow's "models from code": this file is stored with the model and executed on
load, so any MLflow client (Python, ``mlflow models serve``) can sample a generator without
unpickling ganops objects. The model's config names its modality; the modality turns the
table into samples (images in [0, 1] for images, a ``text`` column for text), so this file
is the same for every modality.

Loading prefers the generator's light copy (images: LiteRT), which needs no TensorFlow: a
new process then samples in about a second instead of paying TensorFlow's ~4 s import. The
Keras generator is the fallback (no copy, or its runtime not installed) and the choice when
``GANOPS_SAMPLER=keras``; ``GANOPS_SAMPLER=light`` makes a missing light path an error.
"""

from __future__ import annotations

import os
from typing import Any

import mlflow
import pandas as pd

from ganops.tracking.model_input import MODALITY_KEY

SAMPLER_VARIABLE = "GANOPS_SAMPLER"
SAMPLER_CHOICES = ("auto", "light", "keras")


class GeneratorModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        from ganops.modalities import modality_named

        choice = os.environ.get(SAMPLER_VARIABLE, "auto").strip().lower() or "auto"
        if choice not in SAMPLER_CHOICES:
            raise ValueError(f"{SAMPLER_VARIABLE}={choice!r}: choose one of {SAMPLER_CHOICES}")
        settings = dict(context.model_config)
        modality = modality_named(settings.pop(MODALITY_KEY))
        sampler = None
        if choice != "keras":
            sampler = modality.load_light_sampler(context.artifacts, settings)
        if sampler is None and choice == "light":
            reason = settings.get("light_runtime_reason") or "ai-edge-litert is not installed"
            raise RuntimeError(f"{SAMPLER_VARIABLE}=light, but no light sampler: {reason}")
        self.runtime = getattr(sampler, "runtime", "light")
        if sampler is None:
            generator = self._keras_generator(context)
            sampler = modality.load_sampler(generator, context.artifacts, settings)
            self.runtime = "keras"
        self.sampler = sampler

    @staticmethod
    def _keras_generator(context: mlflow.pyfunc.PythonModelContext) -> Any:
        from ganops.environment import import_tensorflow_quietly

        import_tensorflow_quietly()
        import keras

        # safe_mode: refuse to deserialise arbitrary Python (lambda layers) from the file.
        return keras.saving.load_model(
            context.artifacts["generator"], compile=False, safe_mode=True
        )

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
