"""Class coverage and the classifier score against known answers and hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ganops.evaluation.coverage import (
    class_histogram,
    classes_seen,
    classifier_score,
    coverage_metrics,
    histogram_entropy,
)


def test_histogram_entropy_known_values() -> None:
    assert histogram_entropy(np.array([5, 5, 5, 5])) == pytest.approx(math.log(4))
    assert histogram_entropy(np.array([0, 12, 0])) == 0.0
    assert histogram_entropy(np.array([1, 1, 2])) == pytest.approx(
        -(0.25 * math.log(0.25) * 2 + 0.5 * math.log(0.5))
    )
    assert classes_seen(np.array([0, 3, 1, 0])) == 2


def test_coverage_from_probabilities() -> None:
    one_hot = np.eye(4)[[0, 1, 2, 3, 0, 1, 2, 3]]
    np.testing.assert_array_equal(class_histogram(one_hot), [2, 2, 2, 2])
    metrics = coverage_metrics(one_hot)
    assert metrics["class_entropy"] == pytest.approx(math.log(4))
    assert metrics["classes_seen"] == 4.0
    # Confident and balanced: the classifier score reaches the number of classes ...
    assert metrics["classifier_score"] == pytest.approx(4.0, rel=1e-6)
    # ... collapsed onto one class, or uninformative: it is 1.
    assert classifier_score(np.eye(4)[[2] * 8]) == pytest.approx(1.0)
    assert classifier_score(np.full((8, 4), 0.25)) == pytest.approx(1.0)


def test_classifier_score_hand_computed_two_class_case() -> None:
    # p(y|x) rows (0.9, 0.1) and (0.1, 0.9): p(y) = (0.5, 0.5); each KL is
    # 0.9 ln 1.8 + 0.1 ln 0.2, so the score is exp of that.
    probabilities = np.array([[0.9, 0.1], [0.1, 0.9]])
    expected = math.exp(0.9 * math.log(1.8) + 0.1 * math.log(0.2))
    assert classifier_score(probabilities) == pytest.approx(expected, rel=1e-9)
    # Uniform predictions say nothing about the class: 1. Balanced one-hot over K: K.
    assert classifier_score(np.full((6, 3), 1 / 3)) == pytest.approx(1.0)
    assert classifier_score(np.eye(5)[[0, 1, 2, 3, 4] * 2]) == pytest.approx(5.0, rel=1e-6)
