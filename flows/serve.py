"""Serve the Prefect deployments so people can run them from the Prefect UI.

Needs a Prefect API (``PREFECT_API_URL``); ``flows/local_platform.py`` starts one and calls this.
A new flow is served by adding one line to ``DEPLOYMENTS``.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

# ganops' own log lines (epoch progress, gate decisions) go to the task's log in the UI.
# Set before Prefect is imported: its logging is configured once, and flow-run processes
# started by serve inherit it.
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "ganops")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from prefect import Flow, serve

# Deployment name -> "module:flow function" in flows/: the one list of what is served.
DEPLOYMENTS = {
    "image-gan": "image_gan:image_gan",
    "text-gan": "text_gan:text_gan",
}


def load_flow(target: str) -> Flow:
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


def main() -> None:
    serve(*(load_flow(target).to_deployment(name=name) for name, target in DEPLOYMENTS.items()))


if __name__ == "__main__":
    main()
