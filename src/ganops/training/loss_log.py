"""Per-step losses as a TSV file (``step epoch d_loss g_loss``): DVC plots it, people read it."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from ganops.paths import atomic_path

COLUMNS = ("step", "epoch", "d_loss", "g_loss")


def write_losses(path: Path, rows: Sequence[dict]) -> None:
    with atomic_path(path) as tmp, tmp.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def read_losses(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        return [
            {
                "step": int(r["step"]),
                "epoch": int(r["epoch"]),
                "d_loss": float(r["d_loss"]),
                "g_loss": float(r["g_loss"]),
            }
            for r in csv.DictReader(handle, delimiter="\t")
        ]
