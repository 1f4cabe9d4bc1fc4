"""Image quality numbers for a generator, each beside its real-vs-real floor.

The floor is the same metric for real train images vs the real test images: no generator can
be expected to beat it, so it says what "perfect" looks like at these sample counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ganops.config import EvaluateConfig
from ganops.evaluation.features import pixel_features
from ganops.evaluation.frechet import frechet_distance_of
from ganops.noise import noise_from_seeds


def generate(generator: Any, n: int, first_seed: int, batch_size: int) -> np.ndarray:
    """``n`` images in [-1, 1] from seeds ``first_seed .. first_seed + n - 1``."""
    latent_dim = int(generator.input_shape[-1])
    batches = []
    for start in tqdm(
        range(0, n, batch_size), desc="generating", unit="batch", leave=False, mininterval=1.0
    ):
        seeds = range(first_seed + start, first_seed + min(n, start + batch_size))
        batches.append(
            np.asarray(
                generator.predict_on_batch(noise_from_seeds(seeds, latent_dim)), dtype=np.float32
            )
        )
    return np.concatenate(batches)


def evaluate_generator(
    generator: Any, train_images: np.ndarray, test_images: np.ndarray, config: EvaluateConfig
) -> tuple[dict[str, Any], np.ndarray]:
    fakes = generate(generator, config.n_samples, config.seed, config.batch_size)
    n_real = len(test_images)
    real_features = pixel_features(test_images)
    metrics: dict[str, Any] = {
        "fid_pixels": frechet_distance_of(pixel_features(fakes), real_features),
        "fid_pixels_floor": frechet_distance_of(
            pixel_features(train_images[:n_real]), real_features
        ),
        "n_fake": len(fakes),
        "n_real": int(n_real),
        "feature_space": "pixels, 2x2 average-pooled",
    }
    return metrics, fakes
