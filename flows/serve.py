"""Serve the Prefect deployments so people can run them from the Prefect UI.

Needs a Prefect API (``PREFECT_API_URL``); ``flows/local_platform.py`` starts one and calls this.
A new flow is served by adding one line to ``DEPLOYMENTS``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# ganops' own log lines (epoch progress, gate decisions) go to the task's log in the UI.
# Set before Prefect is imported: its logging is configured once, and flow-run processes
# started by serve inherit it.
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "ganops")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from image_gan import image_gan
from prefect import serve

# (deployment name, flow): the one list of what the platform serves.
DEPLOYMENTS = [
    ("image-gan", image_gan),
]


def main() -> None:
    serve(*(flow.to_deployment(name=name) for name, flow in DEPLOYMENTS))


if __name__ == "__main__":
    main()
