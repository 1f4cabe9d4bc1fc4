"""Prefect flow ``text-gan``: prepare -> train -> evaluate -> register, for text.

The same stage tasks as ``image-gan`` (``stage_tasks``: each wraps one ``ganops.stages``
function, which dispatches on the data's modality); only the parameters file
(``params-text.yaml``: fortunes, the char-level WGAN-GP, a text metric for the gate) and the
form's sections differ. The run ends with the same summary artifact, with sample text in
place of a picture.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from prefect import flow

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stage_tasks import PROJECT_ROOT, name_run, prepare_spec, run_stages

from ganops.forms import form_models, form_overrides, run_label

# params-text.yaml unless whoever serves the deployments chooses another text file.
TEXT_PARAMS_FILE = os.environ.get("GANOPS_TEXT_PARAMS_FILE", "params-text.yaml")

FORMS = form_models(PROJECT_ROOT / TEXT_PARAMS_FILE, ("data", "text", "train", "register"))
DataParameters, TextParameters = FORMS["data"], FORMS["text"]
TrainParameters, RegisterParameters = FORMS["train"], FORMS["register"]
DATA, TEXT, TRAIN, REGISTER = (
    DataParameters(),
    TextParameters(),
    TrainParameters(),
    RegisterParameters(),
)

STAGE_NAMES = ["prepare", "train", "evaluate", "register"]


@flow(name="text-gan", log_prints=True)
def text_gan(
    data: DataParameters = DATA,  # type: ignore[valid-type]
    text: TextParameters = TEXT,  # type: ignore[valid-type]
    train: TrainParameters = TRAIN,  # type: ignore[valid-type]
    register: RegisterParameters = REGISTER,  # type: ignore[valid-type]
    overrides: dict[str, Any] | None = None,
    params_file: str = TEXT_PARAMS_FILE,
    output_root: str = "runs",
) -> Any:
    """Train, evaluate and register a character-level text GAN.

    Args:
        data: which corpus (fortunes or your own text file) and how it is split.
        text: vocabulary, sample length and the size of the networks.
        train: training settings (loss, critic steps, learning rates, epochs...).
        register: registered model name and quality gate (a text metric).
        overrides: advanced: dotted keys applied last, e.g. {"text.max_length": 48}.
        params_file: the parameters file, relative to the project root.
        output_root: folder inside the project that holds one folder per flow run.
    """
    changed = form_overrides(data=data, text=text, train=train, register=register)
    spec, config = prepare_spec(
        output_root, params_file, changed | dict(overrides or {}), "text-gan"
    )
    name_run(run_label(config))
    return run_stages("text-gan", STAGE_NAMES, spec, config)
