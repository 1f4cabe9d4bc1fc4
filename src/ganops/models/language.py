"""The language GAN's networks: an autoregressive character generator, a discriminator that
judges every prefix, and sampling that a seed reproduces.

- ``build_language_model``: a GRU language model (tokens with a start token -> next-character
  logits). It is the maximum-likelihood baseline of Caccia et al. 2020 and the language GAN's
  generator, pretrained by maximum likelihood and then trained adversarially.
- ``build_prefix_discriminator``: tokens (B, L) -> logits (B, L), logit t judging the prefix
  x_1..x_t: causal n-gram convolutions (widths 2-5, as RelGAN's CNN) max-pooled over the prefix
  so far, then a small MLP. A recurrent prefix discriminator stayed at chance against a
  pretrained generator in the measurements behind this choice; this one learns.
- ``SequenceSampler``: steps the GRU cell with its state inside one traced function. The token
  at position t is the inverse CDF of Phi(z_t) under the temperature-scaled distribution, so a
  standard-normal z of length L (``ganops.noise.noise_from_seeds(seeds, L)``) fixes a sample:
  the same seed gives the same text everywhere, as for the image generators.

Index 0 is padding and the end of a sample (the first padding position is a target, later
ones are padding); the start token is index V (one past the vocabulary).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganops.data.text import PAD

GRU_LAYER, EMBED_LAYER, LOGITS_LAYER = "gru", "embed", "logits"


def build_language_model(vocab_size: int, hidden: int = 256, embedding: int = 64) -> keras.Model:
    """Tokens (the start token is ``vocab_size``) -> next-character logits at each step."""
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size + 1, embedding, name=EMBED_LAYER)(tokens)
    x = keras.layers.GRU(hidden, return_sequences=True, name=GRU_LAYER)(x)
    logits = keras.layers.Dense(vocab_size, dtype="float32", name=LOGITS_LAYER)(x)
    return keras.Model(tokens, logits, name="language_model")


@keras.saving.register_keras_serializable(package="ganops")
class RunningMax(keras.layers.Layer):
    """(B, T, C) -> (B, T, C): the maximum over time up to and including each t."""

    def call(self, inputs: Any) -> Any:
        steps = tf.unstack(inputs, axis=1)
        out, best = [], steps[0]
        for step in steps:
            best = tf.maximum(best, step)
            out.append(best)
        return tf.stack(out, axis=1)


def build_prefix_discriminator(
    vocab_size: int,
    length: int,
    embedding: int = 64,
    filters: int = 96,
    widths: Iterable[int] = (2, 3, 4, 5),
    hidden: int = 64,
) -> keras.Model:
    """Tokens (B, L) -> logits (B, L); logit t sees only x_1..x_t."""
    tokens = keras.Input((length,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size, embedding, name="embed")(tokens)
    features = keras.layers.Concatenate()(
        [
            keras.layers.Conv1D(filters, w, padding="causal", activation="relu", name=f"conv{w}")(x)
            for w in widths
        ]
    )
    pooled = RunningMax(name="running_max")(features)
    h = keras.layers.Dense(hidden, activation="relu", name="hidden")(pooled)
    logits = keras.layers.Dense(1, dtype="float32", name="logit")(h)
    return keras.Model(tokens, keras.layers.Reshape((length,))(logits), name="prefix_critic")


def end_mask(tokens: tf.Tensor) -> tf.Tensor:
    """1 up to and including the first padding position (the end of the sample), then 0."""
    is_pad = tf.cast(tf.equal(tokens, PAD), tf.int32)
    pads_before = tf.cumsum(is_pad, axis=1, exclusive=True)
    return tf.cast(pads_before == 0, tf.float32)


def shift_right(tokens: tf.Tensor, start: int) -> tf.Tensor:
    """The model's input for teacher forcing: the start token, then all but the last."""
    batch = tf.shape(tokens)[0]
    return tf.concat([tf.fill((batch, 1), start), tokens[:, :-1]], axis=1)


class SequenceSampler:
    """Draws (B, L) tokens from a ``build_language_model`` generator at a temperature."""

    def __init__(self, model: keras.Model, length: int) -> None:
        self.length = length
        self.vocab_size = int(model.output_shape[-1])
        embed, dense = model.get_layer(EMBED_LAYER), model.get_layer(LOGITS_LAYER)
        gru = model.get_layer(GRU_LAYER)
        cell, hidden, vocab_size = gru.cell, int(gru.units), self.vocab_size

        @tf.function(
            input_signature=[
                tf.TensorSpec((None, length), tf.float32),
                tf.TensorSpec((), tf.float32),
            ]
        )
        def draw(z: tf.Tensor, temperature: tf.Tensor) -> tf.Tensor:
            """Tensors in, tokens out (callable from another traced function)."""
            batch = tf.shape(z)[0]
            uniform = 0.5 * (1.0 + tf.math.erf(z / math.sqrt(2.0)))
            token = tf.fill((batch,), vocab_size)
            state = tf.zeros((batch, hidden))
            done = tf.zeros((batch,), tf.bool)
            drawn_tokens = []
            for t in range(length):
                out, states = cell(embed(token), [state], training=False)
                state = states[0] if isinstance(states, list | tuple) else states
                logits = tf.cast(dense(out), tf.float32) / tf.maximum(temperature, 1e-6)
                cumulative = tf.cumsum(tf.nn.softmax(logits), axis=1)
                threshold = uniform[:, t : t + 1] * cumulative[:, -1:]
                drawn = tf.reduce_sum(tf.cast(cumulative < threshold, tf.int32), axis=1)
                drawn = tf.where(done, PAD, tf.minimum(drawn, vocab_size - 1))
                done = done | tf.equal(drawn, PAD)
                drawn_tokens.append(drawn)
                token = drawn
            return tf.stack(drawn_tokens, axis=1)

        self.draw = draw

    def __call__(self, z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
        """(B, L) standard-normal noise -> (B, L) int32 tokens."""
        z = tf.constant(np.asarray(z, np.float32).reshape(-1, self.length))
        return self.draw(z, tf.constant(temperature, tf.float32)).numpy()


_SAMPLERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def sampler_for(model: keras.Model, length: int) -> SequenceSampler:
    """The one ``SequenceSampler`` of ``model`` (each new one traces its sampling loop
    again; the quick estimate during training asks for one every time)."""
    sampler = _SAMPLERS.get(model)
    if sampler is None or sampler.length != length:
        sampler = _SAMPLERS[model] = SequenceSampler(model, length)
    return sampler


def heldout_nll(model: keras.Model, tokens: np.ndarray, batch_size: int = 1000) -> float:
    """Teacher-forced negative log-likelihood in nats per character (the end-of-sample
    position counted, later padding masked) of ``tokens`` (B, L)."""
    vocab_size = int(model.output_shape[-1])
    total, count = 0.0, 0.0
    for start in range(0, len(tokens), batch_size):
        batch = tf.constant(tokens[start : start + batch_size], tf.int32)
        logits = model(shift_right(batch, vocab_size), training=False)
        nats = tf.nn.sparse_softmax_cross_entropy_with_logits(batch, tf.cast(logits, tf.float32))
        mask = end_mask(batch)
        total += float(tf.reduce_sum(nats * mask))
        count += float(tf.reduce_sum(mask))
    return total / count
