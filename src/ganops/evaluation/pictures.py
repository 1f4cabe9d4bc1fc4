"""Pictures people look at: sample grids and loss curves, written as PNG files."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ganops.evaluation import conditioning
from ganops.evaluation.features import to_unit_interval
from ganops.noise import noise_from_seeds
from ganops.paths import atomic_path


def grid_image(images: np.ndarray, columns: int | None = None, pad: int = 2) -> np.ndarray:
    """Tile (N, H, W, C) images into one uint8 (rows*H, columns*W, C) array."""
    unit = to_unit_interval(images)
    n, height, width, channels = unit.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    canvas = np.ones(
        (rows * (height + pad) + pad, columns * (width + pad) + pad, channels), np.float32
    )
    for index in range(n):
        row, column = divmod(index, columns)
        top, left = pad + row * (height + pad), pad + column * (width + pad)
        canvas[top : top + height, left : left + width] = unit[index]
    return (canvas * 255).round().astype(np.uint8)


def save_grid(
    images: np.ndarray, path: str | Path, columns: int | None = None, scale: int = 3
) -> Path:
    """A PNG grid of images in [-1, 1] (or uint8), each pixel ``scale`` x ``scale``."""
    path = Path(path)
    pixels = grid_image(images, columns)
    picture = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
    picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    with atomic_path(path) as tmp:
        picture.save(tmp, format="PNG")
    return path


def save_loss_plot(rows: Sequence[dict], path: str | Path, smooth: int = 20) -> Path:
    """Discriminator and generator loss per step, raw and moving-averaged."""
    path = Path(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.array([row["step"] for row in rows])
    figure, axis = plt.subplots(figsize=(8, 4), dpi=100)
    for key, colour in (("d_loss", "tab:blue"), ("g_loss", "tab:orange")):
        values = np.array([row[key] for row in rows], dtype=float)
        axis.plot(steps, values, color=colour, alpha=0.25, linewidth=0.8)
        window = max(1, min(smooth, len(values)))
        smoothed = np.convolve(values, np.ones(window) / window, mode="valid")
        axis.plot(steps[window - 1 :], smoothed, color=colour, label=key)
    axis.set_xlabel("generator step")
    axis.set_ylabel("loss")
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png")
    plt.close(figure)
    return path


def class_grid_images(
    generator: Any, n_classes: int, per_class: int = 8, first_seed: int = 0
) -> np.ndarray:
    """Row c holds ``per_class`` samples of class c; the same seeds in every row, so each
    column shows one noise vector across the classes. Needs a conditional generator."""
    if not conditioning.is_conditional(generator):
        raise ValueError("a per-class grid needs a conditional generator (inputs z and label)")
    seeds = list(range(first_seed, first_seed + per_class)) * n_classes
    labels = [c for c in range(n_classes) for _ in range(per_class)]
    return conditioning.sample(generator, seeds, labels)


def slerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Spherical interpolation between latent vectors a and b at fractions t (Gaussian z)."""
    cos = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:
        return a[None] + t[:, None] * (b - a)[None]
    return (np.sin((1 - t) * omega)[:, None] * a + np.sin(t * omega)[:, None] * b) / np.sin(omega)


def interpolation_images(
    generator: Any, rows: int = 4, steps: int = 10, first_seed: int = 0, n_classes: int = 0
) -> np.ndarray:
    """``rows`` strips of ``steps`` images walking the latent sphere from one seed to the next;
    a conditional generator keeps one class per row."""
    dim = conditioning.latent_dim(generator)
    ends = noise_from_seeds(range(first_seed, first_seed + rows + 1), dim)
    t = np.linspace(0.0, 1.0, steps)
    z = np.concatenate([slerp(ends[r], ends[r + 1], t) for r in range(rows)]).astype(np.float32)
    labels = None
    if conditioning.is_conditional(generator):
        labels = [r % max(n_classes, 1) for r in range(rows) for _ in range(steps)]
    return conditioning.sample_latents(generator, z, labels)
