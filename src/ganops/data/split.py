"""The train/test split of a user's data, fixed by a seed (images and text alike)."""

from __future__ import annotations

import math

import numpy as np

from ganops.errors import DataError


def split_indices(
    n: int, test_fraction: float, seed: int, what: str = "samples", hint: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A train/test split fixed by seed: the same items land in the same split every time.
    ``what`` names the items and where they came from, for the error when there are too few
    to hold some out (e.g. "text samples in data/lines.txt")."""
    if n < 2:
        raise DataError(
            f"need at least 2 usable {what} to hold some out for testing (found {n})",
            hint=hint,
        )
    order = np.random.default_rng(seed).permutation(n)
    n_test = min(n - 1, max(1, math.ceil(n * test_fraction)))
    return np.sort(order[n_test:]), np.sort(order[:n_test])
