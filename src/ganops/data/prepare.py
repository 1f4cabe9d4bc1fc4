"""Turn the raw dataset files into arrays every later stage reads: ``train.npz``, ``test.npz``.

Images are stored as uint8 (N, H, W, C) exactly as in the source; scaling to [-1, 1] happens
in the input pipeline so the prepared files stay small and lossless.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganops.config import DataConfig
from ganops.data.idx import read_split
from ganops.data.image_folder import read_image_folder
from ganops.data.split import split_indices
from ganops.data.summary import write_summary
from ganops.errors import DataError
from ganops.paths import atomic_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageSplit:
    images: np.ndarray  # uint8, (N, H, W, C)
    labels: np.ndarray  # int64, (N,)

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.images.shape[1:])  # type: ignore[return-value]


def load_raw(config: DataConfig, project_root: Path) -> tuple[ImageSplit, ImageSplit, dict]:
    """Train and test splits of the configured dataset, plus facts worth recording."""
    folder = project_root / config.path
    if config.dataset == "image-folder":
        train, test, facts = _load_folder(config, folder)
    else:
        train, test, facts = _load_idx(folder), _load_idx(folder, "t10k"), {}
    if config.limit_train:
        train = ImageSplit(train.images[: config.limit_train], train.labels[: config.limit_train])
    if config.limit_test:
        test = ImageSplit(test.images[: config.limit_test], test.labels[: config.limit_test])
    return train, test, facts


def _load_idx(folder: Path, split: str = "train") -> ImageSplit:
    images, labels = read_split(folder, split)
    return ImageSplit(images[..., None], labels.astype(np.int64))


def _load_folder(config: DataConfig, folder: Path) -> tuple[ImageSplit, ImageSplit, dict]:
    found = read_image_folder(
        folder, config.image_size, config.channels, config.resize, config.max_bad_fraction
    )
    train_idx, test_idx = split_indices(
        len(found.images),
        config.test_fraction,
        config.split_seed,
        f"images in {folder}",
        hint="add images to the folder (PNG/JPEG; one subfolder per class for labels)",
    )
    if found.skipped:
        reasons = Counter(reason.split(" (")[0] for _, reason in found.skipped)
        log.warning(
            "skipped %d of %d image files in %s (%s); the list is in prepared/summary.json",
            len(found.skipped),
            found.n_found,
            folder,
            ", ".join(f"{count} {reason}" for reason, count in reasons.most_common()),
        )
    facts = {
        "files_found": found.n_found,
        "files_skipped": len(found.skipped),
        "files_converted": found.n_converted,
        "class_names": found.class_names,
        "split_seed": config.split_seed,
        "skipped": [{"file": path, "reason": reason} for path, reason in found.skipped],
    }
    return (
        ImageSplit(found.images[train_idx], found.labels[train_idx]),
        ImageSplit(found.images[test_idx], found.labels[test_idx]),
        facts,
    )


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
    train, test, facts = load_raw(config, project_root)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_split(train, out_dir / "train.npz")
    save_split(test, out_dir / "test.npz")
    summary = {
        "dataset": config.dataset,
        "image_shape": list(train.shape),
        "n_train": len(train.images),
        "n_test": len(test.images),
        "n_classes": int(max(train.labels.max(), test.labels.max()) + 1),
        **facts,
    }
    return write_summary(out_dir, "image", summary)
