"""Historical averaging against hand-computed values; its means survive a checkpoint."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from ganops.training.historical_averaging import HistoricalAverage


def test_historical_average_hand_computed() -> None:
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable([[0.0]])
    average = HistoricalAverage([a, b])
    assert float(average.penalty()) == 0.0  # the mean starts at the current values
    a.assign([3.0, 2.0])
    b.assign([[1.0]])
    # means (1, 2) and 0: (3 - 1)^2 + 0 + (1 - 0)^2 = 5
    assert float(average.penalty()) == pytest.approx(5.0)
    average.update()  # means of {initial, now}: (2, 2) and 0.5
    np.testing.assert_allclose(average.means[0].numpy(), [2.0, 2.0])
    np.testing.assert_allclose(average.means[1].numpy(), [[0.5]])
    a.assign([5.0, 2.0])
    average.update()  # means of {1, 3, 5} = 3 and {0, 1, 1} = 2/3
    np.testing.assert_allclose(average.means[0].numpy(), [3.0, 2.0])
    np.testing.assert_allclose(average.means[1].numpy(), [[2 / 3]], rtol=1e-6)
    assert float(average.penalty()) == pytest.approx((5 - 3) ** 2 + (1 - 2 / 3) ** 2, rel=1e-6)


def test_historical_average_gradient_pulls_towards_the_mean_and_checkpoints(tmp_path) -> None:
    v = tf.Variable([4.0])
    average = HistoricalAverage([v])
    v.assign([6.0])
    with tf.GradientTape() as tape:
        penalty = average.penalty()
    assert float(tape.gradient(penalty, v)[0]) == pytest.approx(2 * (6.0 - 4.0))
    average.update()
    path = tf.train.Checkpoint(average=average).save(str(tmp_path / "ckpt"))
    restored = HistoricalAverage([tf.Variable([0.0])])
    tf.train.Checkpoint(average=restored).restore(path).assert_existing_objects_matched()
    assert float(restored.means[0][0]) == pytest.approx(5.0)
    assert float(restored.count) == 2.0
