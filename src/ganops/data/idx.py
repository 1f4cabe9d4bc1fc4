"""Read the IDX format of (Fashion-)MNIST from gzip files, with clear errors on bad files."""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from ganops.errors import DataError

# IDX magic: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions.
UBYTE = 0x08


def read_idx(path: Path) -> np.ndarray:
    """Return the array stored in a gzip-compressed IDX file (uint8)."""
    if not path.is_file():
        raise DataError(f"{path}: file not found", hint="run `ganops import-data` or `dvc pull`")
    try:
        with gzip.open(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(
            f"{path}: not a complete gzip file ({error})",
            hint="restore it with `dvc checkout` or `dvc pull`",
        ) from None
    if len(raw) < 4 or raw[0:2] != b"\x00\x00" or raw[2] != UBYTE:
        raise DataError(
            f"{path}: not an unsigned-byte IDX file (bad magic number {raw[:4].hex()})",
            hint="restore the pinned file with `dvc checkout data.dvc` (or `dvc pull`); your own "
            "images go in a folder with data.dataset: image-folder",
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: header truncated", hint="restore it with `dvc checkout`")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise DataError(
            f"{path}: holds {len(raw) - header} bytes of data, its header promises {expected}",
            hint="the file is damaged: restore it with `dvc checkout data.dvc` (or `dvc pull`)",
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_split(folder: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, H, W) and labels (N,) of the ``train`` or ``t10k`` split."""
    images = read_idx(folder / f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(folder / f"{split}-labels-idx1-ubyte.gz")
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(
            f"{folder}: {split} images {images.shape} and labels {labels.shape} do not match",
            hint="restore the pinned files with `dvc checkout data.dvc` (or `dvc pull`)",
        )
    return images, labels
