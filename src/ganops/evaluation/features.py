"""Feature spaces for comparing generated and real images.

``pixel_features``: 2x2 average-pooled pixels (196-d for 28x28), a label-free space that needs
no trained network: a weak but honest quality number for data without labels. The domain
classifier (``classifier.py``) and InceptionV3 (``inception.py``) give the stronger spaces.
"""

from __future__ import annotations

import numpy as np


def to_unit_interval(images: np.ndarray) -> np.ndarray:
    """uint8 [0, 255] or float [-1, 1] images -> float32 [0, 1]."""
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255.0
    return ((np.asarray(images, dtype=np.float32) + 1.0) / 2.0).clip(0.0, 1.0)


def pixel_features(images: np.ndarray, pool: int = 2) -> np.ndarray:
    """Average-pool each image by ``pool`` and flatten: (N, H, W, C) -> (N, H*W*C/pool^2)."""
    unit = to_unit_interval(images)
    n, height, width, channels = unit.shape
    height, width = height - height % pool, width - width % pool
    pooled = (
        unit[:, :height, :width]
        .reshape(n, height // pool, pool, width // pool, pool, channels)
        .mean(axis=(2, 4))
    )
    return pooled.reshape(n, -1)
