"""One traced function per model, whatever the batch size, for one or several inputs."""

from __future__ import annotations

import keras
import numpy as np

from ganops.models.inference import _COMPILED, infer


def test_any_batch_size_runs_through_one_trace() -> None:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    for batch in (1, 5, 64, 7):
        x = np.random.default_rng(batch).standard_normal((batch, 3)).astype("float32")
        np.testing.assert_allclose(infer(model, x), model(x, training=False), rtol=1e-6)
    assert _COMPILED[model].experimental_get_tracing_count() == 1


def test_several_inputs_and_outputs_keep_their_dtypes() -> None:
    z = keras.Input((2,), name="z")
    label = keras.Input((1,), dtype="int32", name="label")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(3, 2)(label))
    total = keras.layers.Add()([z, embedded])
    model = keras.Model([z, label], [total, keras.layers.Dense(1)(total)])
    outputs = infer(model, [np.zeros((4, 2), "float32"), np.arange(4).reshape(4, 1) % 3])
    assert [output.shape for output in outputs] == [(4, 2), (4, 1)]
