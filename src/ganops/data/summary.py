"""``prepared/summary.json``: what the prepare stage made (modality, counts, shapes, facts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ganops.errors import ConfigError, DataError
from ganops.paths import write_text_atomic

SUMMARY_FILE = "summary.json"


def write_summary(folder: Path, modality: str, summary: dict[str, Any]) -> dict[str, Any]:
    """Write the summary with the modality it was prepared for; returns it."""
    summary = {"modality": modality, **summary}
    write_text_atomic(folder / SUMMARY_FILE, json.dumps(summary, indent=2))
    return summary


def read_summary(folder: Path, modality: str) -> dict[str, Any]:
    """The summary of ``folder``, which must have been prepared for ``modality``."""
    path = folder / SUMMARY_FILE
    if not path.is_file():
        raise DataError(f"{path} not found", hint="run `ganops prepare` first")
    summary = json.loads(path.read_text())
    found = summary.get("modality", "image")
    if found != modality:
        raise ConfigError(
            f"{folder} holds prepared {found} data ({summary.get('dataset')!r}), "
            f"but the parameters describe {modality} data",
            hint="rerun `ganops prepare` with these parameters, or use the matching --params",
        )
    return summary
