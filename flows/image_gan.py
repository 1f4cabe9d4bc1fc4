"""Prefect flow ``image-gan``: prepare -> train -> evaluate -> register.

The run form is typed: one section per stage (``ganops.forms``: defaults from params.yaml,
descriptions, bounds and dropdowns from the config schema), validated by the Prefect server
before a run is created and by the full config before any task runs. Each flow run writes
under its own ``runs/<flow-run-name>/`` so runs never share files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from prefect import flow

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stage_tasks import PARAMS_FILE, PROJECT_ROOT, name_run, prepare_spec, run_stages

from ganops.forms import form_models, form_overrides, run_label

FORMS = form_models(PROJECT_ROOT / PARAMS_FILE)
DataParameters = FORMS["data"]
TrainParameters = FORMS["train"]
EvaluateParameters = FORMS["evaluate"]
ClassifierParameters = FORMS["classifier"]
RegisterParameters = FORMS["register"]
# The form's defaults (the parameters file when the module was imported).
TRAIN, DATA, EVALUATE = TrainParameters(), DataParameters(), EvaluateParameters()
CLASSIFIER, REGISTER = ClassifierParameters(), RegisterParameters()

STAGE_NAMES = ["prepare", "train", "evaluate", "register"]


@flow(name="image-gan", log_prints=True)
def image_gan(
    train: TrainParameters = TRAIN,  # type: ignore[valid-type]
    data: DataParameters = DATA,  # type: ignore[valid-type]
    evaluate: EvaluateParameters = EVALUATE,  # type: ignore[valid-type]
    classifier: ClassifierParameters = CLASSIFIER,  # type: ignore[valid-type]
    register: RegisterParameters = REGISTER,  # type: ignore[valid-type]
    overrides: dict[str, Any] | None = None,
    params_file: str = PARAMS_FILE,
    output_root: str = "runs",
) -> Any:
    """Train, evaluate and register an image GAN.

    Args:
        train: training settings (loss, epochs, learning rates, precision...).
        data: which dataset and how much of it.
        evaluate: how the samples are measured.
        classifier: the domain classifier behind the fast metrics.
        register: registered model name and quality gate.
        overrides: advanced: dotted keys applied last, e.g. {"train.epochs": 3}.
        params_file: the parameters file, relative to the project root.
        output_root: folder inside the project that holds one folder per flow run.
    """
    changed = form_overrides(
        data=data, train=train, evaluate=evaluate, classifier=classifier, register=register
    )
    spec, config = prepare_spec(
        output_root, params_file, changed | dict(overrides or {}), "image-gan"
    )
    name_run(run_label(config))
    return run_stages("image-gan", STAGE_NAMES, spec, config)
