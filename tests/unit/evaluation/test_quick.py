"""The quick FID that picks the best generator during training."""

from __future__ import annotations

import keras
import numpy as np

from ganops.data.idx import read_split
from ganops.evaluation.quick import QuickFid
from tests.conftest import FIXTURES


def test_quick_fid_ranks_a_trained_generator_against_noise() -> None:
    real = read_split(FIXTURES / "fashion-mnist", "train")[0][..., None]
    quick = QuickFid(real, classifier=None, n_samples=200)
    assert quick.name == "quick_fid_pixels"
    noise_like = keras.Sequential([keras.Input((4,)), keras.layers.Dense(784, activation="tanh")])
    noise_like.add(keras.layers.Reshape((28, 28, 1)))
    value = quick(noise_like)
    assert np.isfinite(value) and value > 0
    # Real images against themselves (same picks) are at distance ~0.
    picks = np.linspace(0, len(real) - 1, 200).astype(int)
    same = QuickFid(real[picks], classifier=None, n_samples=200)
    assert quick.space(real[picks])[0].shape == (200, 196)
    from ganops.evaluation.frechet import frechet_distance, gaussian_stats

    assert frechet_distance(*gaussian_stats(quick.space(real[picks])[0]), *same.real_stats) < 1e-6
