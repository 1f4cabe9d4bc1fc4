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
from prefect.deployments.runner import RunnerDeployment

# Deployment name -> "module:flow function" in flows/: the one list of what is served.
DEPLOYMENTS = {
    "image-gan": "image_gan:image_gan",
    "text-gan": "text_gan:text_gan",
}


def load_flow(target: str) -> Flow:
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


def deployment(name: str, target: str) -> RunnerDeployment:
    """The served deployment of one flow. Its entrypoint names the flow's own module: the
    flow function is built by a factory in ``stage_tasks.py``, where Prefect would otherwise
    look for it when a run starts."""
    module, function = target.split(":")
    served = load_flow(target).to_deployment(name=name)
    module_file = Path(__file__).resolve().parent / f"{module}.py"
    served.entrypoint = f"{os.path.relpath(module_file, Path.cwd())}:{function}"
    return served


def main() -> None:
    serve(*(deployment(name, target) for name, target in DEPLOYMENTS.items()))


if __name__ == "__main__":
    main()
