"""The seeded train/test split, and its refusal of too little data in the data's words."""

from __future__ import annotations

import numpy as np
import pytest

from ganops.data.split import split_indices
from ganops.errors import DataError


def test_split_is_fixed_by_seed_and_disjoint() -> None:
    train, test = split_indices(100, 0.1, seed=3)
    again_train, again_test = split_indices(100, 0.1, seed=3)
    np.testing.assert_array_equal(test, again_test)
    np.testing.assert_array_equal(train, again_train)
    assert len(test) == 10 and not set(train) & set(test)
    assert not np.array_equal(split_indices(100, 0.1, seed=4)[1], test)


def test_too_few_samples_are_named_in_the_datas_words_with_a_hint() -> None:
    with pytest.raises(
        DataError, match=r"2 usable text samples in data/x\.txt .*\(found 1\)"
    ) as caught:
        split_indices(1, 0.1, 0, "text samples in data/x.txt", hint="one sample per line")
    assert caught.value.hint == "one sample per line"
