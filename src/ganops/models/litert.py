"""A TensorFlow-free copy of a Keras generator, for sampling: LiteRT (the TFLite runtime).

Sampling a registered generator in a new process cost ~7 s, most of it importing TensorFlow
(~4 s) to run a network of a few MB. At registration, where TensorFlow is loaded anyway, the
generator is converted to a ``.tflite`` flat buffer; the served model runs that with
``ai_edge_litert`` (imported in ~0.1 s) and needs neither TensorFlow nor Keras.

``to_litert`` needs TensorFlow; ``LiteRtGenerator`` needs only ``ai_edge_litert`` and numpy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

RUNTIME = "litert"
# Inputs of the converted function, in the Keras model's input order: names the converter
# keeps as the signature's input names, so the runner finds them again without Keras.
INPUT_NAME = "input_{}"
# The largest batch run at once: bounds the interpreter's buffers for a big ``-n``.
MAX_BATCH = 256
# The converted copy must agree with the float32 Keras network to this much on the
# generator's [-1, 1] scale (measured: ~1e-7 to 4e-7); beyond it the copy is not registered.
CONVERSION_TOLERANCE = 1e-4
CHECK_SEEDS = 8


class ConversionError(Exception):
    """The generator has an op or layout the LiteRT builtin kernels cannot run."""


@dataclass(frozen=True)
class Layout:
    """What sampling needs to know about the generator's inputs, recorded at conversion so
    that the light path never loads the Keras model to ask."""

    latent_dim: int
    n_classes: int  # 0: unconditional
    label_index: int | None  # the label input's position; None: unconditional

    def as_settings(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Layout:
        index = settings.get("label_index")
        return cls(
            int(settings["latent_dim"]),
            int(settings["n_classes"]),
            None if index is None else int(index),
        )


def layout_of(generator: Any) -> Layout:
    from ganops.evaluation.conditioning import class_count, label_position, latent_dim

    return Layout(latent_dim(generator), class_count(generator), label_position(generator))


def _float32_config(value: Any) -> Any:
    """A Keras config with every mixed-precision dtype policy replaced by float32."""
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy":
            name = str(value.get("config", {}).get("name", ""))
            if name.startswith("mixed_"):
                return {**value, "config": {**value["config"], "name": "float32"}}
        return {key: _float32_config(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_float32_config(item) for item in value]
    return value


def float32_copy(generator: Any) -> Any:
    """The generator rebuilt with float32 compute. LiteRT's builtin kernels have no bfloat16
    matmul (a ``mixed_bfloat16`` generator does not convert), and the float32 network is the
    bf16 one without its rounding. The weights are float32 under either policy."""
    import keras

    if all("mixed" not in str(layer.dtype_policy.name) for layer in generator.layers):
        return generator
    copy = keras.Model.from_config(_float32_config(generator.get_config()))
    copy.set_weights(generator.get_weights())
    return copy


def to_litert(generator: Any) -> bytes:
    """The generator as a ``.tflite`` flat buffer with a free batch axis; raises
    ``ConversionError`` when the builtin kernels cannot run it."""
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    model = float32_copy(generator)
    specs = [
        tf.TensorSpec((None, *tensor.shape[1:]), tensor.dtype, name=INPUT_NAME.format(index))
        for index, tensor in enumerate(model.inputs)
    ]

    def call(*inputs: Any) -> Any:
        return model(list(inputs) if len(inputs) > 1 else inputs[0], training=False)

    # Frozen to constants: left as resource variables, the converted model reads variables
    # nothing initialises and answers NaN (TF 2.21, Keras 3 variables).
    function = convert_variables_to_constants_v2(tf.function(call).get_concrete_function(*specs))
    converter = tf.lite.TFLiteConverter.from_concrete_functions([function])
    # Builtin kernels only: "select TF ops" would need TensorFlow at run time again.
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    try:
        return converter.convert()
    except Exception as error:  # the converter raises ConverterError, ValueError, ...
        first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ConversionError(first[:300]) from None


def _label_feed(labels: Sequence[int], shape: Sequence[int], dtype: Any) -> np.ndarray:
    """Labels in the layout of the converted label input (as ``conditioning.label_array``)."""
    labels = np.asarray(labels, np.int64)
    width = int(shape[-1]) if len(shape) > 1 else 1
    if width > 1:  # one-hot
        return np.eye(width, dtype=np.float32)[labels]
    return labels.reshape((len(labels), *([1] * (len(shape) - 1)))).astype(dtype)


class LiteRtGenerator:
    """The converted generator: latent vectors (and labels) -> images in [-1, 1]."""

    def __init__(self, path: str | Path, layout: Layout) -> None:
        from ai_edge_litert.interpreter import Interpreter

        from ganops.environment import quiet_stderr

        self.layout = layout
        # "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." on every load otherwise.
        with quiet_stderr(("XNNPACK delegate",)):
            self.interpreter = Interpreter(model_path=str(path))
            self.interpreter.allocate_tensors()
        details = {d["name"]: d for d in self.interpreter.get_input_details()}
        count = 1 if layout.label_index is None else 2
        try:
            self.inputs = [details[INPUT_NAME.format(index)] for index in range(count)]
        except KeyError:
            raise ValueError(f"{path}: inputs {sorted(details)} are not the generator's") from None
        self.output_index = self.interpreter.get_output_details()[0]["index"]
        self.batch = 0
        # One interpreter, whose buffers every call reuses: a server may call from threads.
        self.lock = threading.Lock()

    def _feed(self, z: np.ndarray, labels: Sequence[int] | None) -> list[np.ndarray]:
        if self.layout.label_index is None:
            return [z]
        if labels is None:
            raise ValueError("a conditional generator needs labels")
        spec = self.inputs[self.layout.label_index]
        label_feed = _label_feed(labels, spec["shape_signature"], spec["dtype"])
        return [label_feed, z] if self.layout.label_index == 0 else [z, label_feed]

    def _run(self, feed: list[np.ndarray]) -> np.ndarray:
        batch = len(feed[0])
        if batch != self.batch:
            for spec, array in zip(self.inputs, feed, strict=True):
                self.interpreter.resize_tensor_input(spec["index"], array.shape)
            self.interpreter.allocate_tensors()
            self.batch = batch
        for spec, array in zip(self.inputs, feed, strict=True):
            self.interpreter.set_tensor(spec["index"], np.ascontiguousarray(array, spec["dtype"]))
        self.interpreter.invoke()
        # A copy: the interpreter's output buffer is overwritten by the next call.
        return np.array(self.interpreter.get_tensor(self.output_index), dtype=np.float32)

    def __call__(self, z: np.ndarray, labels: Sequence[int] | None = None) -> np.ndarray:
        parts = []
        with self.lock:
            for start in range(0, len(z), MAX_BATCH):
                stop = start + MAX_BATCH
                chunk = None if labels is None else list(labels)[start:stop]
                parts.append(self._run(self._feed(z[start:stop], chunk)))
        return np.concatenate(parts) if parts else np.zeros((0,), np.float32)


def runtime_available() -> bool:
    try:
        import ai_edge_litert.interpreter  # noqa: F401
    except ImportError:
        return False
    return True


def write_litert_copy(generator: Any, path: Path) -> Layout:
    """Convert ``generator`` into ``path`` and check the copy against the float32 network on
    ``CHECK_SEEDS`` seeds; raises ``ConversionError`` when it cannot be made or disagrees."""
    from ganops.evaluation.conditioning import sample_latents
    from ganops.noise import noise_from_seeds

    layout = layout_of(generator)
    path.write_bytes(to_litert(generator))
    if not runtime_available():
        path.unlink()
        raise ConversionError("ai-edge-litert is not installed: the copy cannot be checked")
    seeds = list(range(CHECK_SEEDS))
    z = noise_from_seeds(seeds, layout.latent_dim)
    labels = [seed % max(layout.n_classes, 1) for seed in seeds] if layout.n_classes else None
    if layout.label_index is not None and labels is None:
        labels = [0] * len(seeds)
    expected = sample_latents(float32_copy(generator), z, labels)
    difference = float(np.abs(LiteRtGenerator(path, layout)(z, labels) - expected).max())
    if not difference <= CONVERSION_TOLERANCE:  # NaN fails too
        path.unlink()
        raise ConversionError(
            f"the LiteRT copy differs from the Keras generator by {difference:.3g} "
            f"(> {CONVERSION_TOLERANCE:g})"
        )
    logger.debug("LiteRT copy of the generator: max difference %.3g", difference)
    return layout
