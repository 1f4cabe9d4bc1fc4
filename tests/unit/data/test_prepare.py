"""Preparing images: arrays and summary from IDX files; skipped files and the seeded split of
an image folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ganops.config import DataConfig
from ganops.data.prepare import load_raw, load_split, prepare_images
from tests.unit.data.helpers import FASHION, write_pngs


def test_prepare_writes_arrays_and_summary(tmp_path: Path, project_root: Path) -> None:
    config = DataConfig(path=str(FASHION.relative_to(project_root)), limit_train=100)
    summary = prepare_images(config, project_root, tmp_path)
    assert summary == {
        "modality": "image",
        "dataset": "fashion-mnist",
        "image_shape": [28, 28, 1],
        "n_train": 100,
        "n_test": 256,
        "n_classes": 10,
    }
    train = load_split(tmp_path / "train.npz")
    raw_train, _, _ = load_raw(config, project_root)
    np.testing.assert_array_equal(train.images, raw_train.images)
    assert not list(tmp_path.glob(".*")), "no temporary files are left behind"


def test_prepare_records_skips_and_split(tmp_path: Path, project_root: Path, real_images) -> None:
    images, _ = real_images
    folder = tmp_path / "mine"
    write_pngs(folder, images[:40])
    (folder / "broken.png").write_bytes(b"")
    config = DataConfig(
        dataset="image-folder", path=str(folder), max_bad_fraction=0.1, test_fraction=0.25
    )
    summary = prepare_images(config, project_root, tmp_path / "prepared")
    assert (summary["n_train"], summary["n_test"]) == (30, 10)
    assert summary["files_skipped"] == 1 and summary["n_classes"] == 0
    assert summary["skipped"][0]["reason"] == "empty (zero-byte) file"
