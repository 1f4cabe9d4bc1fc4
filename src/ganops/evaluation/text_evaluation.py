"""Evaluate a text generator: sample by seed, decode, measure against the held-out split,
and the same numbers for real text (the floor a perfect generator would reach).

Sample counts matter for every one of these numbers, so each comparison is made at equal
counts: ``n`` generated texts and ``n`` training texts against the held-out split for the
n-gram JSD (``n = min(evaluate.n_samples, n_train)``); for BLEU and Self-BLEU the first
``m = n_test`` of each, so that the floor of Self-BLEU is the held-out text's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ganops.data.text import Vocabulary, decode
from ganops.evaluation.text_metrics import (
    bleu,
    char_ngrams,
    jsd,
    ngram_jsd,
    self_bleu,
    text_metrics,
)
from ganops.noise import QUICK_EVAL_FIRST_SEED, noise_from_seeds

Sampler = Callable[[np.ndarray], np.ndarray]  # noise -> (B, L) tokens or (B, L, V) scores


def generate_texts(
    sampler: Sampler,
    vocabulary: Vocabulary,
    n: int,
    latent_dim: int,
    seed: int,
    batch_size: int = 500,
) -> list[str]:
    """``n`` strings for seeds ``seed .. seed + n - 1`` (the served model's contract)."""
    texts: list[str] = []
    for start in range(0, n, batch_size):
        seeds = range(seed + start, seed + min(n, start + batch_size))
        texts.extend(decode(sampler(noise_from_seeds(seeds, latent_dim)), vocabulary))
    return texts


def real_floor(train: Sequence[str], test: Sequence[str], n: int, seed: int) -> dict[str, float]:
    """The metrics of ``n`` real training texts (drawn by ``seed``) against the held-out."""
    order = np.random.default_rng(seed).permutation(len(train))
    subset = [train[i] for i in order[:n]]
    m = len(test)
    floor = {f"jsd_{k}_floor": ngram_jsd(subset, test, k) for k in range(1, 5)}
    for k in (2, 4):
        floor[f"bleu_{k}_floor"] = bleu(subset[:m], test, k)
        floor[f"self_bleu_{k}_floor"] = self_bleu(list(test), k)
    return floor


def variety(texts: Sequence[str]) -> dict[str, float]:
    """Share of blank samples and share of distinct ones (collapse shows in both)."""
    n = max(len(texts), 1)
    return {
        "blank_share": sum(not text.strip() for text in texts) / n,
        "distinct_share": len(set(texts)) / n,
    }


def measure_texts(
    samples: Sequence[str], train: Sequence[str], test: Sequence[str], seed: int
) -> dict[str, float]:
    """Metrics of ``samples`` and their real floor, at equal counts (module docstring)."""
    n = min(len(samples), len(train))
    metrics = text_metrics(list(samples[:n]), list(test), bleu_hypotheses=len(test))
    order = np.random.default_rng(seed).permutation(len(train))
    real = variety([train[i] for i in order[:n]])
    metrics |= variety(list(samples[:n])) | {f"{k}_floor": v for k, v in real.items()}
    return metrics | real_floor(train, test, n, seed)


class QuickTextJsd:
    """The trainer's quick quality for text (keeps the best generator): 4-gram JSD of a few
    hundred samples (fixed seeds) against as many evenly spaced training texts. Lower is
    better; ranks checkpoints of one run, not runs. ``sampler_of(generator)`` gives the
    function from noise to tokens or scores for the generator being scored."""

    name = "quick_jsd_4"

    def __init__(
        self,
        train_texts: Sequence[str],
        vocabulary: Vocabulary,
        latent_dim: int,
        sampler_of: Callable[[Any], Sampler],
        n: int = 500,
    ) -> None:
        self.n = min(n, len(train_texts))
        picks = np.linspace(0, len(train_texts) - 1, self.n).astype(int)
        self.reference = char_ngrams([train_texts[i] for i in picks], 4)
        self.vocabulary, self.latent_dim, self.sampler_of = vocabulary, latent_dim, sampler_of

    def __call__(self, generator: Any) -> float:
        samples = generate_texts(
            self.sampler_of(generator),
            self.vocabulary,
            self.n,
            self.latent_dim,
            QUICK_EVAL_FIRST_SEED,
        )
        return jsd(char_ngrams(samples, 4), self.reference)
