"""What a run summary links to: the run's experiment and the model version's aliases."""

from __future__ import annotations

from pathlib import Path

from ganops.config import Config
from ganops.tracking.runs import connect


def run_links(
    config: Config, project_root: Path, run_id: str, model_name: str | None, version: str | None
) -> dict[str, object]:
    """``{"tracking_uri", "experiment_id", "aliases"}`` read back from the store."""
    client = connect(config, project_root)
    aliases: list[str] = []
    if model_name and version:
        aliases = sorted(client.get_model_version(model_name, version).aliases)
    return {
        "tracking_uri": config.tracking_uri(project_root),
        "experiment_id": client.get_run(run_id).info.experiment_id,
        "aliases": aliases,
    }
