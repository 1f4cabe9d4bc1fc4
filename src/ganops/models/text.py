"""The character-level WGAN-GP language model of Gulrajani et al. 2017 (``gan_language.py``).

Generator: z -> dense -> (length, dim) -> residual blocks -> 1x1 conv -> a softmax over the
vocabulary at every position; its output is compared directly with one-hot real text, so
no sampling step blocks the gradient. Critic: one-hot (or softmax) text -> 1x1 conv ->
residual blocks -> one linear score (no sigmoid: it is a Wasserstein critic). A residual block
is ReLU, conv(kernel 5), ReLU, conv(kernel 5), added back at scale 0.3, as in the paper's code.
The output layers stay float32 under mixed precision (probabilities and scores enter the
losses).
"""

from __future__ import annotations

import keras
from keras import layers

from ganops.config import Config

KERNEL = 5
RESIDUAL_SCALE = 0.3


def residual_block(x: keras.KerasTensor, dim: int, name: str) -> keras.KerasTensor:
    y = layers.ReLU(name=f"{name}_relu1")(x)
    y = layers.Conv1D(dim, KERNEL, padding="same", name=f"{name}_conv1")(y)
    y = layers.ReLU(name=f"{name}_relu2")(y)
    y = layers.Conv1D(dim, KERNEL, padding="same", name=f"{name}_conv2")(y)
    y = layers.Rescaling(RESIDUAL_SCALE, name=f"{name}_scale")(y)
    return layers.Add(name=f"{name}_add")([x, y])


def build_text_generator(
    latent_dim: int, length: int, vocab_size: int, dim: int = 512, blocks: int = 5
) -> keras.Model:
    noise = keras.Input((latent_dim,), name="z")
    x = layers.Dense(length * dim, name="project")(noise)
    x = layers.Reshape((length, dim))(x)
    for block in range(blocks):
        x = residual_block(x, dim, f"g_block{block + 1}")
    logits = layers.Conv1D(vocab_size, 1, name="char_logits")(x)
    probabilities = layers.Softmax(axis=-1, dtype="float32", name="chars")(logits)
    return keras.Model(noise, probabilities, name="text_generator")


def build_text_critic(length: int, vocab_size: int, dim: int = 512, blocks: int = 5) -> keras.Model:
    text = keras.Input((length, vocab_size), name="chars")
    x = layers.Conv1D(dim, 1, name="embed")(text)
    for block in range(blocks):
        x = residual_block(x, dim, f"d_block{block + 1}")
    x = layers.Flatten()(x)
    score = layers.Dense(1, dtype="float32", name="score")(x)
    return keras.Model(text, score, name="text_critic")


def build_text_models(config: Config, length: int, vocab_size: int) -> tuple[keras.Model, ...]:
    """(generator, critic) sized by ``text.model_dim`` / ``text.residual_blocks``."""
    dim, blocks = config.text.model_dim, config.text.residual_blocks
    return (
        build_text_generator(config.train.latent_dim, length, vocab_size, dim, blocks),
        build_text_critic(length, vocab_size, dim, blocks),
    )
