"""Text sample quality: character n-gram Jensen-Shannon divergence, BLEU and Self-BLEU.

- ``ngram_jsd``: JSD (base 2, in [0, 1]) between the character n-gram distributions of two
  sets of texts, n = 1..4, as Gulrajani et al. 2017 measured their language GAN. n-grams
  never cross sample boundaries.
- ``bleu``: the Texygen benchmark's BLEU: the mean over hypotheses of NLTK's
  ``sentence_bleu(all references, hypothesis, uniform weights, smoothing method1)``, on
  whitespace-separated words. NLTK compares each hypothesis with every reference again,
  O(hypotheses x references); here the per-n-gram maximum reference counts and the reference
  lengths are gathered once, so a held-out set of thousands costs seconds. The result is the
  same number (checked against NLTK in the tests).
- ``self_bleu``: BLEU of each sample against all the *other* samples (diversity: lower is
  more diverse). The top two reference counts per n-gram are kept so that a sample's own
  counts can be left out without rebuilding the table.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

EPSILON = 0.1  # NLTK SmoothingFunction.method1's default


def char_ngrams(texts: Sequence[str], n: int) -> Counter:
    return Counter(text[i : i + n] for text in texts for i in range(len(text) - n + 1))


def jsd(p_counts: Counter, q_counts: Counter) -> float:
    """Jensen-Shannon divergence in bits between two count tables (0 = same distribution)."""
    p_total, q_total = sum(p_counts.values()), sum(q_counts.values())
    if not p_total or not q_total:
        return 1.0 if p_total or q_total else 0.0
    keys = list(set(p_counts) | set(q_counts))
    p = np.array([p_counts.get(k, 0) for k in keys], dtype=np.float64) / p_total
    q = np.array([q_counts.get(k, 0) for k in keys], dtype=np.float64) / q_total
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log2(a[mask] / m[mask])))

    return max(0.0, (kl(p) + kl(q)) / 2)


def ngram_jsd(samples: Sequence[str], references: Sequence[str], n: int) -> float:
    return jsd(char_ngrams(samples, n), char_ngrams(references, n))


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass
class _RefTable:
    """Per n-gram: (best count, how many references have it, second-best count)."""

    top: list[dict[tuple, tuple[int, int, int]]]
    lengths: list[int] = field(default_factory=list)  # sorted
    length_counts: Counter = field(default_factory=Counter)

    @classmethod
    def build(cls, references: Sequence[Sequence[str]], max_n: int) -> _RefTable:
        table = cls([{} for _ in range(max_n)])
        for ref in references:
            for n in range(1, max_n + 1):
                top = table.top[n - 1]
                for gram, count in _ngrams(ref, n).items():
                    best, holders, second = top.get(gram, (0, 0, 0))
                    if count > best:
                        top[gram] = (count, 1, best)
                    elif count == best:
                        top[gram] = (best, holders + 1, second)
                    else:
                        top[gram] = (best, holders, max(second, count))
        table.length_counts = Counter(len(ref) for ref in references)
        table.lengths = sorted(table.length_counts)
        return table

    def max_count(self, gram: tuple, own: int) -> int:
        """Largest count of ``gram`` in a reference; ``own`` > 0 leaves one copy of the
        hypothesis (holding ``own`` of them) out, for Self-BLEU."""
        best, holders, second = self.top[len(gram) - 1].get(gram, (0, 0, 0))
        return second if own and own == best and holders == 1 else best

    def closest_length(self, hyp_len: int, exclude_own: bool) -> int:
        """NLTK's closest reference length (ties: the shorter), optionally without one
        reference of length ``hyp_len`` (the hypothesis itself)."""
        candidates = []
        at = bisect.bisect_left(self.lengths, hyp_len)
        for i in range(at - 1, -1, -1):  # nearest shorter length that is still present
            candidates.append(self.lengths[i])
            break
        for i in range(at, len(self.lengths)):
            length = self.lengths[i]
            if length == hyp_len and exclude_own and self.length_counts[length] == 1:
                continue  # only the hypothesis itself has this length
            candidates.append(length)
            break
        return min(candidates, key=lambda r: (abs(r - hyp_len), r))


def _sentence_bleu(hyp: Sequence[str], table: _RefTable, max_n: int, self_ref: bool) -> float:
    matches, totals = [], []
    for n in range(1, max_n + 1):
        counts = _ngrams(hyp, n)
        matches.append(
            sum(min(c, table.max_count(g, c if self_ref else 0)) for g, c in counts.items())
        )
        totals.append(max(1, sum(counts.values())))
    if matches[0] == 0:
        return 0.0
    hyp_len = len(hyp)
    ref_len = table.closest_length(hyp_len, self_ref)
    penalty = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    weight = 1.0 / max_n
    log_sum = math.fsum(
        weight * math.log((m if m else EPSILON) / t) for m, t in zip(matches, totals, strict=True)
    )
    return penalty * math.exp(log_sum)


def words(texts: Sequence[str]) -> list[list[str]]:
    return [text.split() for text in texts]


def bleu(hypotheses: Sequence[str], references: Sequence[str], max_n: int) -> float:
    """Mean sentence BLEU-``max_n`` of each hypothesis against all references (words)."""
    table = _RefTable.build(words(references), max_n)
    scores = [_sentence_bleu(h, table, max_n, self_ref=False) for h in words(hypotheses)]
    return float(np.mean(scores)) if scores else 0.0


def self_bleu(samples: Sequence[str], max_n: int) -> float:
    """Mean BLEU-``max_n`` of each sample against all the others (higher = less diverse).

    A blank sample has no words for BLEU to score (NLTK gives it 0, which would make a
    generator of blanks look perfectly diverse); it counts as a copy, 1.0, when another sample
    is blank too, and the other samples are scored against the non-blank ones."""
    tokens = words(samples)
    if len(tokens) < 2:
        raise ValueError("Self-BLEU needs at least two samples")
    filled = [t for t in tokens if t]
    blanks = len(tokens) - len(filled)
    scores = [1.0 if blanks > 1 else 0.0] * blanks
    if len(filled) >= 2:
        table = _RefTable.build(filled, max_n)
        scores += [_sentence_bleu(h, table, max_n, self_ref=True) for h in filled]
    else:
        scores += [0.0] * len(filled)
    return float(np.mean(scores))


def text_metrics(
    samples: Sequence[str], references: Sequence[str], bleu_hypotheses: int = 0
) -> dict[str, float]:
    """JSD n=1..4 vs ``references``, BLEU-2/4 vs references, Self-BLEU-2/4 of ``samples``
    (the first ``bleu_hypotheses`` samples for BLEU/Self-BLEU if > 0, to bound the time)."""
    metrics = {f"jsd_{n}": ngram_jsd(samples, references, n) for n in range(1, 5)}
    subset = samples[:bleu_hypotheses] if bleu_hypotheses else samples
    for n in (2, 4):
        metrics[f"bleu_{n}"] = bleu(subset, references, n)
        metrics[f"self_bleu_{n}"] = self_bleu(subset, n)
    return metrics
