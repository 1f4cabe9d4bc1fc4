"""Text metrics against references: NLTK's BLEU, SciPy's Jensen-Shannon distance, known
answers, identical sets."""

from __future__ import annotations

import math
import random

import pytest
from scipy.spatial.distance import jensenshannon

from ganops.evaluation.text_metrics import (
    bleu,
    char_ngrams,
    jsd,
    ngram_jsd,
    self_bleu,
    text_metrics,
)
from tests.conftest import FIXTURES

nltk_bleu = pytest.importorskip("nltk.translate.bleu_score")


def fortune_lines(limit: int) -> list[str]:
    text = (FIXTURES / "fortunes" / "fortunes").read_text("utf-8")
    entries = [" ".join(e.split())[:32] for e in text.split("\n%\n")]
    return [e for e in entries if e][:limit]


def nltk_mean_bleu(hypotheses: list[str], references: list[str], n: int) -> float:
    smoothing = nltk_bleu.SmoothingFunction().method1
    refs = [r.split() for r in references]
    weights = (1.0 / n,) * n
    scores = [
        nltk_bleu.sentence_bleu(refs, h.split(), weights, smoothing_function=smoothing)
        for h in hypotheses
    ]
    return sum(scores) / len(scores)


def nltk_self_bleu(samples: list[str], n: int) -> float:
    """NLTK's BLEU of each sample against the others, with ganops' rule for blank samples
    (NLTK scores a blank 0): a blank is a copy (1.0) of another blank, and the other samples
    are scored against the non-blank ones."""
    filled = [sample for sample in samples if sample.split()]
    blanks = len(samples) - len(filled)
    scores = [1.0 if blanks > 1 else 0.0] * blanks + [
        nltk_mean_bleu([sample], filled[:i] + filled[i + 1 :], n) for i, sample in enumerate(filled)
    ]
    return sum(scores) / len(scores)


def shuffled_words(texts: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for text in texts:
        tokens = text.split()
        rng.shuffle(tokens)
        out.append(" ".join(tokens[: rng.randint(0, len(tokens))]))
    return out


@pytest.mark.parametrize("n", [2, 4])
def test_bleu_matches_nltk(n: int) -> None:
    references = fortune_lines(120)
    # Real lines, word-shuffled and cut (partial matches, short and empty hypotheses), and
    # repeated words (clipping).
    hypotheses = [*shuffled_words(fortune_lines(160)[100:], seed=n), "the the the the", "x"]
    assert bleu(hypotheses, references, n) == pytest.approx(
        nltk_mean_bleu(hypotheses, references, n), rel=1e-12
    )


@pytest.mark.parametrize("n", [2, 4])
def test_self_bleu_matches_nltk(n: int) -> None:
    # Duplicates (a sample's own n-grams must not count) and shared lengths (brevity penalty
    # must skip the sample itself) both occur here.
    samples = fortune_lines(40) + fortune_lines(5) + shuffled_words(fortune_lines(20), 1)
    assert self_bleu(samples, n) == pytest.approx(nltk_self_bleu(samples, n), rel=1e-12)


def test_bleu_known_answers() -> None:
    lines = fortune_lines(50)
    # Every line is among the references. (Lines of under 4 words score below 1 in NLTK too:
    # their empty 4-gram precision is smoothed to 0.1.)
    long_lines = [line for line in lines if len(line.split()) >= 4]
    assert bleu(long_lines, lines, 4) == pytest.approx(1.0)
    assert bleu(["zzz qqq"], lines, 2) == 0.0  # no unigram in common
    # All samples the same sentence: Self-BLEU 1 (no diversity); all different words: 0.
    assert self_bleu(["a b c d e"] * 5, 4) == pytest.approx(1.0)
    assert self_bleu(["", " ", ""], 4) == 1.0  # blanks are copies of each other
    assert self_bleu(["a b", "c d", "e f"], 2) == 0.0


def test_jsd_known_answers() -> None:
    lines = fortune_lines(80)
    for n in range(1, 5):
        assert ngram_jsd(lines, list(reversed(lines)), n) == pytest.approx(0.0, abs=1e-12)
    assert ngram_jsd(["aaaa"], ["bbbb"], 2) == pytest.approx(1.0)  # disjoint supports
    # p = {a: 1}, q = {a: 1/2, b: 1/2}: 1/2 KL(p||m) + 1/2 KL(q||m) by hand, in bits.
    by_hand = 0.5 * math.log2(1 / 0.75) + 0.5 * (
        0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)
    )
    assert jsd(char_ngrams(["aa"], 1), char_ngrams(["ab"], 1)) == pytest.approx(by_hand)


def test_jsd_matches_scipy_and_grows_with_corruption() -> None:
    lines = fortune_lines(200)
    real, other = lines[:100], lines[100:]
    p, q = char_ngrams(real, 2), char_ngrams(other, 2)
    keys = sorted(set(p) | set(q))
    expected = jensenshannon([p[k] for k in keys], [q[k] for k in keys], base=2) ** 2
    assert jsd(p, q) == pytest.approx(expected, rel=1e-9)
    rng = random.Random(0)

    def corrupt(texts: list[str], rate: float) -> list[str]:
        return ["".join(c if rng.random() > rate else "#" for c in t) for t in texts]

    base = ngram_jsd(other, real, 4)
    assert base < ngram_jsd(corrupt(other, 0.1), real, 4) < ngram_jsd(corrupt(other, 0.4), real, 4)


def test_text_metrics_reports_every_number() -> None:
    lines = fortune_lines(100)
    metrics = text_metrics(lines[:50], lines[50:], bleu_hypotheses=20)
    assert set(metrics) == {
        "jsd_1", "jsd_2", "jsd_3", "jsd_4", "bleu_2", "bleu_4", "self_bleu_2", "self_bleu_4"
    }  # fmt: skip
    assert all(0.0 <= value <= 1.0 for value in metrics.values())
    assert metrics["jsd_1"] < metrics["jsd_4"]  # longer n-grams are sparser
