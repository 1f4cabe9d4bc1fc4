"""Turn the raw dataset files into arrays every later stage reads: ``train.npz``, ``test.npz``.

Images are stored as uint8 (N, H, W, C) exactly as in the source; scaling to [-1, 1] happens
in the input pipeline so the prepared files stay small and lossless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganops.config import DataConfig
from ganops.data.idx import read_split
from ganops.errors import DataError
from ganops.paths import atomic_path, write_text_atomic


@dataclass(frozen=True)
class ImageSplit:
    images: np.ndarray  # uint8, (N, H, W, C)
    labels: np.ndarray  # int64, (N,)

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.images.shape[1:])  # type: ignore[return-value]


def load_raw(config: DataConfig, project_root: Path) -> tuple[ImageSplit, ImageSplit]:
    folder = project_root / config.path
    train_images, train_labels = read_split(folder, "train")
    test_images, test_labels = read_split(folder, "t10k")
    if train_images.shape[1:] != test_images.shape[1:]:
        raise DataError(f"{folder}: train and test images differ in size")
    train = ImageSplit(train_images[..., None], train_labels.astype(np.int64))
    test = ImageSplit(test_images[..., None], test_labels.astype(np.int64))
    if config.limit_train:
        train = ImageSplit(train.images[: config.limit_train], train.labels[: config.limit_train])
    if config.limit_test:
        test = ImageSplit(test.images[: config.limit_test], test.labels[: config.limit_test])
    return train, test


def save_split(split: ImageSplit, path: Path) -> None:
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        np.savez(handle, images=split.images, labels=split.labels)


def load_split(path: Path) -> ImageSplit:
    if not path.is_file():
        raise DataError(f"{path}: prepared data not found", hint="run `ganops prepare` first")
    try:
        with np.load(path) as archive:
            return ImageSplit(archive["images"], archive["labels"])
    except (OSError, KeyError, ValueError) as error:
        raise DataError(
            f"{path}: unreadable prepared data ({error})", hint="rerun `ganops prepare`"
        ) from None


def prepare_images(config: DataConfig, project_root: Path, out_dir: Path) -> dict:
    train, test = load_raw(config, project_root)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_split(train, out_dir / "train.npz")
    save_split(test, out_dir / "test.npz")
    summary = {
        "dataset": config.dataset,
        "image_shape": list(train.shape),
        "n_train": len(train.images),
        "n_test": len(test.images),
        "n_classes": int(max(train.labels.max(), test.labels.max()) + 1),
    }
    write_text_atomic(out_dir / "summary.json", json.dumps(summary, indent=2))
    return summary
