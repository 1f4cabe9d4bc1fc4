"""Shapes and structure of the char-level WGAN-GP text networks (Gulrajani et al. 2017)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganops.data.text import Vocabulary, decode
from ganops.models.text import RESIDUAL_SCALE, build_text_critic, build_text_generator

LENGTH, VOCAB, DIM = 32, 20, 16


def test_generator_emits_a_distribution_over_characters_per_position() -> None:
    generator = build_text_generator(8, LENGTH, VOCAB, dim=DIM)
    out = np.asarray(generator(np.random.default_rng(0).standard_normal((5, 8))))
    assert out.shape == (5, LENGTH, VOCAB) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-5)
    assert (out >= 0).all()
    texts = decode(out, Vocabulary(("", "?", *"abcdefghijklmnopqr")))
    assert len(texts) == 5 and all(len(t) <= LENGTH for t in texts)


def test_paper_structure_five_kernel_5_blocks_at_scale_0_3() -> None:
    generator = build_text_generator(8, LENGTH, VOCAB, dim=DIM)
    critic = build_text_critic(LENGTH, VOCAB, dim=DIM)
    for model, prefix in ((generator, "g_block"), (critic, "d_block")):
        convs = [
            layer
            for layer in model.layers
            if isinstance(layer, keras.layers.Conv1D) and layer.name.startswith(prefix)
        ]
        assert len(convs) == 10 and {c.kernel_size for c in convs} == {(5,)}
        scales = [layer for layer in model.layers if isinstance(layer, keras.layers.Rescaling)]
        assert len(scales) == 5 and {s.scale for s in scales} == {RESIDUAL_SCALE}


def test_critic_scores_one_hot_text_and_has_input_gradients() -> None:
    critic = build_text_critic(LENGTH, VOCAB, dim=DIM, blocks=2)
    one_hot = tf.one_hot(np.random.default_rng(1).integers(0, VOCAB, (4, LENGTH)), VOCAB)
    with tf.GradientTape() as tape:
        tape.watch(one_hot)
        score = critic(one_hot)
    assert score.shape == (4, 1) and score.dtype == tf.float32
    gradient = tape.gradient(score, one_hot)  # what the gradient penalty needs, at rank 3
    assert gradient.shape == (4, LENGTH, VOCAB) and float(tf.norm(gradient)) > 0


def test_models_survive_keras_save_and_safe_load(tmp_path) -> None:
    generator = build_text_generator(8, LENGTH, VOCAB, dim=DIM, blocks=1)
    path = tmp_path / "g.keras"
    generator.save(path)
    loaded = keras.saving.load_model(path, compile=False, safe_mode=True)
    z = np.ones((2, 8), np.float32)
    np.testing.assert_allclose(loaded.predict_on_batch(z), generator.predict_on_batch(z))
