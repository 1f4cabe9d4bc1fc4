"""Fixture paths and counts, and a PNG writer, shared by the data tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from tests.conftest import FIXTURES

FASHION = FIXTURES / "fashion-mnist"

# 300 entries from each of three fortunes files (startrek has only 227).
N_FIXTURE_ENTRIES = 827


def write_pngs(folder: Path, images: np.ndarray, labels: np.ndarray | None = None) -> None:
    for index, image in enumerate(images):
        target = folder if labels is None else folder / f"class_{labels[index]}"
        target.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(target / f"{index:04d}.png")
