"""Feeding a generator: unconditional ones by seed, conditional ones with balanced labels in
every label layout."""

from __future__ import annotations

import numpy as np
import pytest

from ganops.evaluation import conditioning
from ganops.evaluation.image_metrics import generate
from tests.unit.evaluation.helpers import (
    CLASSES,
    LATENT,
    conditional_generator,
    unconditional_generator,
)


def test_unconditional_generation_is_reproducible_per_seed() -> None:
    generator = unconditional_generator()
    assert not conditioning.is_conditional(generator)
    assert conditioning.latent_dim(generator) == LATENT
    images = generate(generator, 10, first_seed=5, batch_size=4)
    assert images.shape == (10, 8, 8, 1)
    np.testing.assert_allclose(images[3], conditioning.sample(generator, [8])[0], atol=1e-6)


@pytest.mark.parametrize(("one_hot", "label_first"), [(False, False), (True, False), (False, True)])
def test_conditional_generation_gets_balanced_labels(one_hot: bool, label_first: bool) -> None:
    generator = conditional_generator(one_hot, label_first)
    assert conditioning.is_conditional(generator)
    assert conditioning.latent_dim(generator) == LATENT
    images = generate(generator, 7, first_seed=0, batch_size=3, n_classes=CLASSES)
    labels = np.round(images[:, 0, 0, 0] * CLASSES).astype(int)
    np.testing.assert_array_equal(labels, [0, 1, 2, 0, 1, 2, 0])
    with pytest.raises(ValueError, match="n_classes"):
        generate(generator, 2, 0, 2)
