"""``tf.data`` input for text: int32 character indices (B, L) for the language GAN
(``TokenBatches``), or one-hot float32 (B, L, V) batches, the form the WGAN-GP critic compares
with its generator's per-position softmax (``TextBatches``)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganops.data.batch_size import check_batch_fits


class TokenBatches:
    """The language GAN's batch source: int32 character indices (B, L), shuffled per epoch by
    (seed, epoch) so a resumed epoch sees the same batches."""

    def __init__(self, tokens: np.ndarray, batch_size: int, seed: int) -> None:
        check_batch_fits(batch_size, len(tokens), f"the training set ({len(tokens)} text samples)")
        self.tokens = tokens.astype(np.int32)
        self.batch_size = batch_size
        self.seed = seed
        self.steps_per_epoch = len(tokens) // batch_size

    def __call__(self, epoch: int) -> tf.data.Dataset:
        dataset = tf.data.Dataset.from_tensor_slices(self.tokens)
        dataset = dataset.shuffle(len(self.tokens), seed=self.seed + epoch)
        return dataset.batch(self.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


class TextBatches(TokenBatches):
    """The WGAN-GP's batch source: the same batches as one-hot float32 (B, L, V)."""

    def __init__(self, tokens: np.ndarray, vocab_size: int, batch_size: int, seed: int) -> None:
        super().__init__(tokens, batch_size, seed)
        self.vocab_size = vocab_size

    def __call__(self, epoch: int) -> tf.data.Dataset:
        return (
            super()
            .__call__(epoch)
            .map(
                lambda batch: tf.one_hot(batch, self.vocab_size, dtype=tf.float32),
                num_parallel_calls=tf.data.AUTOTUNE,
            )
        )
