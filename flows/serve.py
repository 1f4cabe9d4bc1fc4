"""Serve the Prefect deployments so people can run them from the Prefect UI.

Needs a Prefect API (``PREFECT_API_URL``); ``flows/platform.py`` starts one and calls this.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from image_gan import image_gan
from prefect import serve
from text_gan import text_gan

DEPLOYMENTS = {"image-gan": image_gan, "text-gan": text_gan}


def main() -> None:
    serve(*(flow.to_deployment(name=name) for name, flow in DEPLOYMENTS.items()))


if __name__ == "__main__":
    main()
