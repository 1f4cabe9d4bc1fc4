"""Prefect flow ``text-gan``: every stage of the graph for text (``params-text.yaml``).

Made by the same factory as ``image-gan`` (``stage_tasks.gan_flow``); only the modality, and
so the parameters file and the form's sections, differ. The run ends with the same summary
artifact, with sample text in place of a picture. ``GANOPS_TEXT_PARAMS_FILE`` chooses another
parameters file for the form's defaults.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stage_tasks import gan_flow

text_gan = gan_flow("text-gan", "text", params_env="GANOPS_TEXT_PARAMS_FILE")
