"""The language GAN's networks: teacher-forcing helpers, a critic that sees only prefixes,
sampling that a seed reproduces, the held-out likelihood."""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from ganops.models.language import (
    SequenceSampler,
    build_language_model,
    build_prefix_discriminator,
    end_mask,
    heldout_nll,
    sampler_for,
    shift_right,
)
from ganops.noise import noise_from_seeds

VOCAB, LENGTH = 12, 10


def test_the_end_of_a_sample_is_its_first_padding_and_teacher_forcing_shifts_right() -> None:
    tokens = tf.constant([[5, 6, 0, 0], [5, 6, 7, 8]])
    np.testing.assert_array_equal(end_mask(tokens), [[1, 1, 1, 0], [1, 1, 1, 1]])
    np.testing.assert_array_equal(shift_right(tokens, 9), [[9, 5, 6, 0], [9, 5, 6, 7]])


def test_the_critic_judges_each_prefix_from_that_prefix_only() -> None:
    critic = build_prefix_discriminator(VOCAB, LENGTH, embedding=4, filters=3, hidden=4)
    tokens = np.random.default_rng(0).integers(1, VOCAB, (2, LENGTH)).astype(np.int32)
    changed = tokens.copy()
    changed[:, 6] = (changed[:, 6] % (VOCAB - 1)) + 1
    before, after = critic(tokens).numpy(), critic(changed).numpy()
    np.testing.assert_allclose(before[:, :6], after[:, :6], rtol=1e-6)
    assert not np.allclose(before[:, 6:], after[:, 6:])


def test_a_seed_fixes_the_sample_and_padding_ends_it() -> None:
    model = build_language_model(VOCAB, hidden=8, embedding=4)
    sampler = SequenceSampler(model, LENGTH)
    z = noise_from_seeds([3, 4, 3], LENGTH)
    tokens = sampler(z)
    assert tokens.shape == (3, LENGTH) and tokens.max() < VOCAB
    np.testing.assert_array_equal(tokens[0], tokens[2])
    np.testing.assert_array_equal(sampler(z[:1]), tokens[:1])  # batch-independent
    for row in tokens:
        ends = np.flatnonzero(row == 0)
        assert not len(ends) or (row[ends[0] :] == 0).all()


def test_a_model_has_one_sampler_so_repeated_estimates_trace_once() -> None:
    model = build_language_model(VOCAB, hidden=8, embedding=4)
    sampler = sampler_for(model, LENGTH)
    assert sampler_for(model, LENGTH) is sampler
    z = noise_from_seeds(range(4), LENGTH)
    for temperature in (0.5, 1.0, 0.7):
        sampler(z, temperature)
        sampler(z[:2], temperature)
    assert sampler.draw.experimental_get_tracing_count() == 1
    assert sampler_for(build_language_model(VOCAB, hidden=8, embedding=4), LENGTH) is not sampler


def test_a_low_temperature_draws_the_likeliest_character() -> None:
    model = build_language_model(VOCAB, hidden=8, embedding=4)
    sampler = SequenceSampler(model, LENGTH)
    z = noise_from_seeds(range(50), LENGTH)
    greedy = sampler(z, temperature=1e-4)
    first = model(shift_right(tf.zeros((1, LENGTH), tf.int32), VOCAB))[0, 0].numpy()
    assert (greedy[:, 0] == first.argmax()).all()
    assert len({tuple(row) for row in sampler(z, 1.0)}) > len({tuple(row) for row in greedy})


def test_an_untrained_model_is_near_uniform_on_held_out_text() -> None:
    model = build_language_model(VOCAB, hidden=8, embedding=4)
    tokens = np.random.default_rng(1).integers(1, VOCAB, (20, LENGTH)).astype(np.int32)
    assert abs(heldout_nll(model, tokens) - math.log(VOCAB)) < 0.3
