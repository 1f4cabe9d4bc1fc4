"""A user's own images: a folder of PNG/JPEG files, optionally one subfolder per class.

Policy for bad files (documented in the README): an unreadable, zero-byte or wrongly-sized
file is skipped and counted; the run stops with the list of bad files when more than
``data.max_bad_fraction`` of the files are unusable, or when none is usable. Images with
other channels (RGB among grayscale, alpha) are converted to ``data.channels``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from ganops.errors import DataError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
UNLABELLED = -1


@dataclass
class FolderImages:
    images: np.ndarray  # uint8 (N, S, S, C)
    labels: np.ndarray  # int64 (N,), UNLABELLED when the folder has no class subfolders
    class_names: list[str]
    n_found: int
    n_converted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def find_images(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise DataError(f"{folder}: image folder not found", hint="set data.path to a folder")
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DataError(
            f"{folder}: no images found ({', '.join(sorted(IMAGE_SUFFIXES))})",
            hint="put image files (or one subfolder of images per class) in the folder",
        )
    return files


def class_of(path: Path, folder: Path) -> str | None:
    """The class subfolder an image sits in, or None for images at the top level."""
    parts = path.relative_to(folder).parts
    return parts[0] if len(parts) > 1 else None


def load_image(path: Path, size: int, channels: int, resize: bool) -> tuple[np.ndarray, bool]:
    """Read one file; returns (pixels, was_converted); raises ValueError with the reason."""
    if path.stat().st_size == 0:
        raise ValueError("empty (zero-byte) file")
    try:
        with Image.open(path) as opened:
            opened.load()
            picture = opened.copy()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"unreadable image ({error.__class__.__name__})") from None
    if picture.size != (size, size):
        if not resize:
            raise ValueError(f"is {picture.width}x{picture.height}, expected {size}x{size}")
        picture = picture.resize((size, size), Image.LANCZOS)
    mode = "L" if channels == 1 else "RGB"
    converted = picture.mode != mode
    pixels = np.asarray(picture.convert(mode), dtype=np.uint8)
    return pixels.reshape(size, size, channels), converted


def read_image_folder(
    folder: Path, size: int, channels: int, resize: bool, max_bad_fraction: float
) -> FolderImages:
    files = find_images(folder)
    classes = [class_of(p, folder) for p in files]
    labelled = all(name is not None for name in classes)
    class_names = sorted({name for name in classes if name}) if labelled else []
    images, labels, skipped, converted = [], [], [], 0
    for path, name in zip(files, classes, strict=True):
        try:
            pixels, was_converted = load_image(path, size, channels, resize)
        except ValueError as reason:
            skipped.append((str(path), str(reason)))
            continue
        converted += was_converted
        images.append(pixels)
        labels.append(class_names.index(name) if labelled else UNLABELLED)
    bad_share = len(skipped) / len(files)
    if not images or bad_share > max_bad_fraction:
        listing = "\n".join(f"  {path}: {reason}" for path, reason in skipped[:10])
        more = f"\n  ... and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        raise DataError(
            f"{folder}: {len(skipped)} of {len(files)} images are unusable "
            f"({bad_share:.1%} > data.max_bad_fraction {max_bad_fraction:.1%}):\n{listing}{more}",
            hint="fix or remove these files, set data.resize: true for other sizes, "
            "or raise data.max_bad_fraction",
        )
    return FolderImages(
        np.stack(images),
        np.asarray(labels, np.int64),
        class_names,
        len(files),
        converted,
        skipped,
    )
