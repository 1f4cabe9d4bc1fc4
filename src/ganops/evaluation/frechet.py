"""Fréchet distance between Gaussians fitted to two feature sets (FID when the features are
InceptionV3's; here also in other feature spaces). Heusel et al. 2017.

The trace of sqrt(S1 S2) is computed from the eigenvalues of the symmetric matrix
S1^½ S2 S1^½, which has the same eigenvalues as S1 S2. Covariances are positive
semi-definite, so this is exact, and it stays exact when they are singular (feature spaces
with degenerate directions, fewer samples than dimensions), where a general matrix square
root warns "Matrix is singular" and needs the reference implementation's offset fallback.
"""

from __future__ import annotations

import numpy as np


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    features = np.asarray(features, dtype=np.float64)
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root of a positive semi-definite matrix (round-off clipped)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def trace_sqrt_product(sigma1: np.ndarray, sigma2: np.ndarray) -> float:
    """Tr((S1 S2)^½) for positive semi-definite S1, S2."""
    root = _psd_sqrt(sigma1)
    values = np.linalg.eigvalsh(root @ sigma2 @ root)
    return float(np.sqrt(np.clip(values, 0.0, None)).sum())


def frechet_distance(
    mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray
) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))."""
    diff = mu1 - mu2
    mean_term = float(diff @ diff)
    trace_term = float(np.trace(sigma1) + np.trace(sigma2)) - 2.0 * trace_sqrt_product(
        sigma1, sigma2
    )
    return max(mean_term + trace_term, 0.0)


def frechet_distance_of(features_a: np.ndarray, features_b: np.ndarray) -> float:
    return frechet_distance(*gaussian_stats(features_a), *gaussian_stats(features_b))
