"""The GRU maximum-likelihood baseline: masking, a real (tiny) training run, sampling."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganops.config import validate
from ganops.data.text import decode
from ganops.data.text_prepare import load_text_split, load_vocabulary, prepare_text
from ganops.training.char_lm import (
    build_char_lm,
    sample_char_lm,
    shift_right,
    target_mask,
    train_char_lm,
)
from tests.conftest import FIXTURES, TEXT_PARAMS


def test_mask_keeps_the_first_padding_as_the_end_of_a_sample() -> None:
    tokens = tf.constant([[5, 6, 0, 0], [5, 6, 7, 8]])
    np.testing.assert_array_equal(target_mask(tokens), [[1, 1, 1, 0], [1, 1, 1, 1]])
    np.testing.assert_array_equal(shift_right(tokens, 9), [[9, 5, 6, 0], [9, 5, 6, 7]])


def test_trains_on_real_text_and_samples_strings(tmp_path) -> None:
    config = validate(TEXT_PARAMS)
    prepare_text(config, FIXTURES, tmp_path)
    train = load_text_split(tmp_path, "train")
    vocabulary = load_vocabulary(tmp_path)
    model = build_char_lm(len(vocabulary), hidden=32, embedding=8)
    first = train_char_lm(model, train.tokens, seconds=0.0, batch_size=32)
    result = train_char_lm(model, train.tokens, seconds=600, batch_size=32, max_steps=80)
    assert first.steps == 1 and result.steps == 80
    # From uniform (ln V nats per character) towards the data's entropy.
    assert result.final_loss < first.final_loss - 0.5 < np.log(len(vocabulary))
    tokens = sample_char_lm(model, 6, 32, temperature=1.0, seed=3)
    assert tokens.shape == (6, 32) and tokens.max() < len(vocabulary)
    # After the first padding, only padding.
    for row in tokens:
        ends = np.flatnonzero(row == 0)
        assert not len(ends) or (row[ends[0] :] == 0).all()
    np.testing.assert_array_equal(tokens, sample_char_lm(model, 6, 32, 1.0, seed=3))
    assert all(isinstance(text, str) for text in decode(tokens, vocabulary))
