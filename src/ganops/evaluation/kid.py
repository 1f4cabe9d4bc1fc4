"""Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of the squared MMD
between two feature sets under the cubic polynomial kernel k(x, y) = (x·y / d + 1)^3.

Unlike FID it has an unbiased estimator, so its value does not drift with the sample count;
it is averaged over random subsets (as in the reference implementation) to bound the cost.
"""

from __future__ import annotations

import numpy as np


def polynomial_kernel(
    x: np.ndarray, y: np.ndarray, degree: int = 3, coef: float = 1.0
) -> np.ndarray:
    """k(x, y) = (x·y / d + coef)^degree for every pair of rows: shape (len(x), len(y))."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return (x @ y.T / x.shape[1] + coef) ** degree


def mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2: mean off-diagonal k(x, x') + mean off-diagonal k(y, y') - 2 mean k(x, y)."""
    m, n = len(x), len(y)
    if m < 2 or n < 2:
        raise ValueError("the unbiased MMD needs at least two samples in each set")
    k_xx, k_yy, k_xy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    term_xx = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    term_yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(term_xx + term_yy - 2.0 * k_xy.mean())


def kernel_distance(
    fake: np.ndarray,
    real: np.ndarray,
    n_subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """KID as (mean, std) of the unbiased MMD^2 over random subsets drawn without replacement.

    With ``subset_size`` at least both set sizes, one subset is the whole sets (exact estimate).
    """
    size = min(subset_size, len(fake), len(real))
    if size == len(fake) == len(real):
        return mmd2_unbiased(fake, real), 0.0
    rng = np.random.default_rng(seed)
    values = [
        mmd2_unbiased(
            fake[rng.choice(len(fake), size, replace=False)],
            real[rng.choice(len(real), size, replace=False)],
        )
        for _ in range(n_subsets)
    ]
    return float(np.mean(values)), float(np.std(values))
