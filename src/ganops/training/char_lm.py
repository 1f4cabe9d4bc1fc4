"""The maximum-likelihood baseline: a small GRU character language model.

Caccia et al. 2020 ("Language GANs Falling Short") show that such a model, sampled at a
suitable temperature, is the bar a text GAN has to clear, so it is trained on the same
prepared tokens, for the same wall-clock budget, and measured with the same metrics.

Sequences are the prepared (N, L) index arrays; index 0 (padding) doubles as the end of a
sample, so the model learns where samples end: the first padding position is a target,
later ones are masked out. A start token (index V) begins every sequence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from ganops.data.text import PAD


@dataclass
class CharLmResult:
    steps: int
    epochs_seen: float
    seconds: float
    final_loss: float  # nats per character, on the last batch


def build_char_lm(vocab_size: int, hidden: int = 256, embedding: int = 64) -> keras.Model:
    """Tokens (with the start token ``vocab_size``) -> next-character logits at each step."""
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size + 1, embedding, name="embed")(tokens)
    x = keras.layers.GRU(hidden, return_sequences=True, name="gru")(x)
    logits = keras.layers.Dense(vocab_size, dtype="float32", name="logits")(x)
    return keras.Model(tokens, logits, name="char_lm")


def shift_right(tokens: tf.Tensor, start: int) -> tf.Tensor:
    batch = tf.shape(tokens)[0]
    return tf.concat([tf.fill((batch, 1), start), tokens[:, :-1]], axis=1)


def target_mask(tokens: tf.Tensor) -> tf.Tensor:
    """1 up to and including the first padding position (the end of the sample), then 0."""
    is_pad = tf.cast(tf.equal(tokens, PAD), tf.int32)
    pads_before = tf.cumsum(is_pad, axis=1, exclusive=True)
    return tf.cast(pads_before == 0, tf.float32)


def train_char_lm(
    model: keras.Model,
    tokens: np.ndarray,
    seconds: float,
    batch_size: int = 64,
    learning_rate: float = 2e-3,
    seed: int = 0,
    max_steps: int = 0,
) -> CharLmResult:
    """Teacher-forced cross-entropy with Adam until ``seconds`` of wall-clock time pass (or
    ``max_steps`` steps, if > 0). The clock includes tracing, as the GAN's budget does."""
    vocab_size = int(model.output_shape[-1])
    optimizer = keras.optimizers.Adam(learning_rate)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    @tf.function
    def step(batch: tf.Tensor) -> tf.Tensor:
        mask = target_mask(batch)
        with tf.GradientTape() as tape:
            logits = model(shift_right(batch, vocab_size), training=True)
            loss = tf.reduce_sum(loss_fn(batch, logits) * mask) / tf.reduce_sum(mask)
        grads = tape.gradient(loss, model.trainable_variables)
        grads, _ = tf.clip_by_global_norm(grads, 5.0)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    data = (
        tf.data.Dataset.from_tensor_slices(tokens.astype(np.int32))
        .shuffle(len(tokens), seed=seed)
        .repeat()
        .batch(batch_size, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    started, steps, loss = time.perf_counter(), 0, float("nan")
    for batch in data:
        loss = float(step(batch))
        steps += 1
        if time.perf_counter() - started >= seconds or steps == max_steps:
            break
    elapsed = time.perf_counter() - started
    return CharLmResult(steps, steps * batch_size / len(tokens), elapsed, loss)


def sample_char_lm(
    model: keras.Model, n: int, length: int, temperature: float, seed: int = 0
) -> np.ndarray:
    """(n, length) token indices drawn one character at a time at ``temperature``; after a
    sample's first padding everything is padding."""
    vocab_size = int(model.output_shape[-1])
    rng = np.random.default_rng(seed)
    tokens = np.full((n, length), PAD, dtype=np.int32)
    done = np.zeros(n, dtype=bool)
    # One trace for every prefix length.
    predict = tf.function(
        lambda x: model(x, training=False),
        input_signature=[tf.TensorSpec((None, None), tf.int32)],
    )
    for position in range(length):
        prefix = np.concatenate([np.full((n, 1), vocab_size, np.int32), tokens[:, :position]], 1)
        logits = np.asarray(predict(tf.constant(prefix)))[:, -1].astype(np.float64)
        logits = logits / max(temperature, 1e-6)
        probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        cumulative = probabilities.cumsum(axis=1)
        drawn = (cumulative < rng.random((n, 1)) * cumulative[:, -1:]).sum(axis=1)
        drawn = np.minimum(drawn, vocab_size - 1)
        tokens[:, position] = np.where(done, PAD, drawn)
        done |= tokens[:, position] == PAD
        if done.all():
            break
    return tokens
