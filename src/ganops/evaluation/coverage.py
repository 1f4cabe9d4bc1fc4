"""Class coverage of generated images, read from a classifier's predicted probabilities.

- ``class_entropy``: entropy (nats) of the histogram of predicted classes; log(n_classes) when
  every class is equally frequent, 0 when every sample falls in one class (mode collapse).
- ``classes_seen``: how many classes are predicted for at least one sample.
- ``classifier_score``: exp(E_x KL(p(y|x) || p(y))), the Inception Score computed with the
  domain classifier (TF-GAN's MNIST "classifier score"): high when each sample is confidently
  one class and the classes are varied; at most n_classes.
"""

from __future__ import annotations

import numpy as np

EPS = 1e-12


def class_histogram(probabilities: np.ndarray) -> np.ndarray:
    """Counts of the arg-max class, one bin per class."""
    probabilities = np.asarray(probabilities)
    return np.bincount(probabilities.argmax(axis=1), minlength=probabilities.shape[1])


def histogram_entropy(counts: np.ndarray) -> float:
    counts = np.asarray(counts, np.float64)
    shares = counts[counts > 0] / counts.sum()
    return float(-(shares * np.log(shares)).sum())


def classes_seen(counts: np.ndarray, min_count: int = 1) -> int:
    return int((np.asarray(counts) >= min_count).sum())


def classifier_score(probabilities: np.ndarray) -> float:
    p_yx = np.asarray(probabilities, np.float64)
    p_y = p_yx.mean(axis=0, keepdims=True)
    kl = (p_yx * (np.log(p_yx + EPS) - np.log(p_y + EPS))).sum(axis=1)
    return float(np.exp(kl.mean()))


def coverage_metrics(probabilities: np.ndarray) -> dict[str, float]:
    counts = class_histogram(probabilities)
    return {
        "class_entropy": histogram_entropy(counts),
        "classes_seen": float(classes_seen(counts)),
        "classifier_score": classifier_score(probabilities),
    }
