"""Text evaluation at equal sample counts: real text scores like its floor, noise does not."""

from __future__ import annotations

import numpy as np

from ganops.config import validate
from ganops.data.text import Vocabulary
from ganops.data.text_prepare import load_text_split, load_vocabulary, prepare_text
from ganops.evaluation.text_evaluation import generate_texts, measure_texts
from tests.conftest import FIXTURES, TEXT_PARAMS


def test_real_text_meets_its_floor_and_noise_does_not(tmp_path) -> None:
    config = validate(TEXT_PARAMS)
    prepare_text(config, FIXTURES, tmp_path)
    train = load_text_split(tmp_path, "train").texts
    test = load_text_split(tmp_path, "test").texts
    vocabulary = load_vocabulary(tmp_path)
    # "Generated" text that is really other training text: the same numbers as the floor
    # (the floor draws its own subset, so near, not equal).
    real = measure_texts(train[::-1], train, test, seed=0)
    assert abs(real["jsd_4"] - real["jsd_4_floor"]) < 0.1 * real["jsd_4_floor"]
    assert real["self_bleu_4_floor"] > 0 and real["bleu_4_floor"] > 0

    rng = np.random.default_rng(0)

    def uniform(z: np.ndarray) -> np.ndarray:
        return rng.random((len(z), 32, len(vocabulary)))

    noise = generate_texts(uniform, vocabulary, len(train), latent_dim=4, seed=0, batch_size=100)
    assert len(noise) == len(train)
    garbage = measure_texts(noise, train, test, seed=0)
    assert garbage["jsd_4"] > 0.95 > 1.5 * garbage["jsd_4_floor"]  # disjoint 4-grams: JSD 1
    assert garbage["bleu_4"] < real["bleu_4"] and garbage["jsd_1"] > real["jsd_1"]


def test_generated_texts_follow_the_seeds() -> None:
    vocabulary = Vocabulary(("", "?", "a", "b"))

    def by_sign(z: np.ndarray) -> np.ndarray:
        # Position i is "a" when z[i] > 0, else "b": the text is a function of the seed.
        return np.stack([(z > 0), (z <= 0)], -1) @ np.array([[0, 0, 1, 0], [0, 0, 0, 1]])

    first = generate_texts(by_sign, vocabulary, 5, latent_dim=6, seed=10, batch_size=2)
    again = generate_texts(by_sign, vocabulary, 3, latent_dim=6, seed=12, batch_size=3)
    assert first[2:] == again and all(set(t) <= {"a", "b"} and len(t) == 6 for t in first)


def test_a_constant_text_generator_never_beats_its_floor(tmp_path) -> None:
    """Blank or one repeated string, on the fixture's small held-out split and on a large
    one: every metric is at or below its floor, and the sanity check refuses both."""
    from ganops.modalities import modality_named

    config = validate(TEXT_PARAMS)
    prepare_text(config, FIXTURES, tmp_path)
    train = load_text_split(tmp_path, "train").texts
    small_test = load_text_split(tmp_path, "test").texts
    higher_is_better = {"bleu_2", "bleu_4", "distinct_share"}
    for test in (small_test, train[: len(train) // 2]):
        for constant in ("", "xq xq xq"):
            metrics = measure_texts([constant] * 500, train, test, seed=0)
            floored = [key.removesuffix("_floor") for key in metrics if key.endswith("_floor")]
            assert {"jsd_4", "bleu_4", "self_bleu_4", "distinct_share"} <= set(floored)
            for name in floored:
                value, floor = metrics[name], metrics[f"{name}_floor"]
                if name in higher_is_better:
                    assert value <= floor, (constant, name, value, floor)
                else:
                    assert value >= floor, (constant, name, value, floor)
            assert modality_named("text").sanity_problems(metrics), constant
