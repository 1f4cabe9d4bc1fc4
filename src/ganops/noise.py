"""Seeds -> latent vectors. The one contract between training, evaluation and the served model:
the same seed always gives the same z, in any process, so a sample can be reproduced by seed.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

# Seeds of the quick quality estimates during training: far from the epoch grids (0..63) and
# the evaluation's (evaluate.seed, 1234 by default), so those samples are never scored twice.
QUICK_EVAL_FIRST_SEED = 10_000_000


def noise_from_seeds(seeds: Iterable[int], latent_dim: int) -> np.ndarray:
    """One standard-normal vector per seed, float32, shape (len(seeds), latent_dim)."""
    vectors = [np.random.default_rng(int(seed)).standard_normal(latent_dim) for seed in seeds]
    return np.asarray(vectors, dtype=np.float32).reshape(-1, latent_dim)
