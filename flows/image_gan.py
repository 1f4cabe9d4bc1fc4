"""Prefect flow ``image-gan``: every stage of the graph for images (``params.yaml``).

The run form is typed: one section per config section the image modality exposes
(``ganops.forms``: defaults from the parameters file, descriptions, bounds and dropdowns from
the config schema), validated by the Prefect server before a run is created and by the full
config before any task runs. Each flow run writes under its own ``runs/<flow-run-name>/``.
``GANOPS_PARAMS_FILE`` chooses another parameters file for the form's defaults.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stage_tasks import gan_flow

image_gan = gan_flow("image-gan", "image", params_env="GANOPS_PARAMS_FILE")
