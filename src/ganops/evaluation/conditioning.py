"""Feed a generator that is unconditional (input z) or conditional (inputs z and a class label).

A conditional generator is a functional model with two inputs. The label input is the one whose
name mentions "label" or "class", or whose dtype is an integer; otherwise the second one. It
takes integer labels of shape (N,) or (N, 1), or one-hot vectors (N, n_classes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ganops.noise import noise_from_seeds


def _inputs(generator: Any) -> list[Any]:
    return list(getattr(generator, "inputs", None) or [])


def is_conditional(generator: Any) -> bool:
    return len(_inputs(generator)) == 2


def _label_index(generator: Any) -> int:
    inputs = _inputs(generator)
    for index, tensor in enumerate(inputs):
        name = str(getattr(tensor, "name", "")).lower()
        dtype = str(getattr(tensor, "dtype", ""))
        if "label" in name or "class" in name or "int" in dtype:
            return index
    return 1


def label_position(generator: Any) -> int | None:
    """Which input of a conditional generator takes the labels; None for an unconditional one."""
    return _label_index(generator) if is_conditional(generator) else None


def class_count(generator: Any) -> int:
    """How many classes a conditional generator was trained on (its label embedding's
    size); 0 for an unconditional one."""
    for layer in getattr(generator, "layers", []):
        if layer.__class__.__name__ == "Embedding":
            return int(layer.input_dim)
    return 0


def latent_dim(generator: Any) -> int:
    if not is_conditional(generator):
        return int(generator.input_shape[-1])
    z_input = _inputs(generator)[1 - _label_index(generator)]
    return int(z_input.shape[-1])


def label_array(generator: Any, labels: Sequence[int], n_classes: int | None = None) -> np.ndarray:
    """Labels in the layout the generator's label input expects."""
    spec = _inputs(generator)[_label_index(generator)]
    labels = np.asarray(labels, np.int64)
    shape = tuple(spec.shape[1:])
    width = int(shape[-1]) if shape and shape[-1] is not None else 1
    if width > 1:  # one-hot
        return np.eye(width, dtype=np.float32)[labels]
    dtype = "int32" if "int" in str(spec.dtype) else "float32"
    return labels.reshape((len(labels), *([1] * len(shape)))).astype(dtype)


def generator_inputs(
    generator: Any, z: np.ndarray, labels: Sequence[int] | None = None
) -> np.ndarray | list[np.ndarray]:
    """The input (or [z, labels] in the model's input order) for a batch of latent vectors."""
    if not is_conditional(generator):
        return z
    if labels is None:
        raise ValueError("a conditional generator needs labels")
    label_feed = label_array(generator, labels)
    return [label_feed, z] if _label_index(generator) == 0 else [z, label_feed]


def sample(generator: Any, seeds: Sequence[int], labels: Sequence[int] | None = None) -> np.ndarray:
    return sample_latents(generator, noise_from_seeds(seeds, latent_dim(generator)), labels)


def sample_latents(
    generator: Any, z: np.ndarray, labels: Sequence[int] | None = None
) -> np.ndarray:
    from ganops.models.inference import infer

    return np.asarray(infer(generator, generator_inputs(generator, z, labels)), np.float32)


def balanced_labels(seeds: Sequence[int], n_classes: int) -> list[int]:
    """Seed i gets class i mod n_classes: equal class shares, reproducible per seed."""
    return [int(seed) % n_classes for seed in seeds]
