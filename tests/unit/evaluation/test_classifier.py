"""Which label arrays count as labels (the domain classifier needs them)."""

from __future__ import annotations

import numpy as np

from ganops.evaluation.classifier import has_labels


def test_has_labels() -> None:
    assert has_labels(np.array([0, 3, 1]))
    assert not has_labels(np.array([], np.int64))
    assert not has_labels(np.array([-1, -1]))
