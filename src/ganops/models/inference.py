"""Run a Keras model on one batch in inference mode, at any batch size without retracing.

``Model.predict_on_batch`` builds a new graph for every new batch size and, after a few,
warns about retracing; evaluation feeds many sizes (the last partial batch, interpolation
strips, class grids). One ``tf.function`` per model, whose signature is the model's own
inputs with an unknown batch axis, is traced once instead.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

import numpy as np

_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _call(model: Any, inputs: Any) -> Any:
    return model(inputs, training=False)


def infer(model: Any, inputs: Any) -> Any:
    """``model(inputs, training=False)`` as numpy (a list for several outputs)."""
    import tensorflow as tf

    function = _COMPILED.get(model)
    if function is None:
        specs = [tf.TensorSpec(tensor.shape, tensor.dtype) for tensor in model.inputs]
        signature = [specs] if len(specs) > 1 else specs
        # A partial, not a lambda: TensorFlow counts retracing per code object, and one lambda
        # shared by every model would look like one function retraced for each new model.
        function = tf.function(functools.partial(_call, model), input_signature=signature)
        _COMPILED[model] = function
    if isinstance(inputs, list | tuple):
        inputs = [
            tf.convert_to_tensor(x, s.dtype) for x, s in zip(inputs, model.inputs, strict=True)
        ]
    else:
        inputs = tf.convert_to_tensor(inputs, model.inputs[0].dtype)
    outputs = function(inputs)
    if isinstance(outputs, list | tuple):
        return [np.asarray(output) for output in outputs]
    return np.asarray(outputs)
