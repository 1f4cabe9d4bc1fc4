"""Prepare a text dataset: ``prepared/{train,test}.npz`` (int32 character indices),
``{train,test}.txt`` (the normalised samples, one per line), ``vocab.json`` and
``summary.json`` (counts, split seed and a hash of the held-out samples, so the split is on
record and two runs can be checked to hold out the same text)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganops.config import Config
from ganops.data.split import split_indices
from ganops.data.summary import write_summary
from ganops.data.text import Sample, Vocabulary, fit_length, read_corpus
from ganops.errors import DataError
from ganops.paths import atomic_path, write_text_atomic

VOCAB_FILE = "vocab.json"
# Warn when more than this share of the samples had to be cut to text.max_length.
TRUNCATION_WARNING = 0.2
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextSplit:
    tokens: np.ndarray  # int32 (N, max_length), 0 = padding
    texts: list[str]


def prepare_text(config: Config, project_root: Path, out_dir: Path) -> dict:
    data, text = config.data, config.text
    source = project_root / data.path
    samples = read_corpus(source, text.separator, text.exclude)
    report = fit_length(samples, text.max_length, text.too_long, data.max_bad_fraction)
    if report.truncated > TRUNCATION_WARNING * len(samples):
        log.warning(length_advice(samples, report.truncated, text.max_length, source))
    texts = [s.text for s in report.kept]
    train_idx, test_idx = split_indices(
        len(texts),
        data.test_fraction,
        data.split_seed,
        f"text samples in {source}",
        hint="a text file holds one sample per line (or per text.separator); "
        "check data.path and text.separator",
    )
    train = [texts[i] for i in train_idx][: data.limit_train or None]
    test = [texts[i] for i in test_idx][: data.limit_test or None]
    vocabulary = Vocabulary.build(train, text.vocab_size)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, split in (("train", train), ("test", test)):
        save_text_split(vocabulary.encode(split, text.max_length), split, out_dir / name)
    write_text_atomic(out_dir / VOCAB_FILE, vocabulary.to_json())
    summary = {
        "dataset": data.dataset,
        "source": str(data.path),
        "sequence_shape": [text.max_length],
        "vocab_size": len(vocabulary),
        "n_train": len(train),
        "n_test": len(test),
        "n_classes": 0,
        "samples_found": len(samples),
        "samples_truncated": report.truncated,
        "share_truncated": round(report.truncated / len(samples), 4),
        "samples_skipped": len(report.skipped),
        "too_long": text.too_long,
        "split_seed": data.split_seed,
        "test_fraction": data.test_fraction,
        "test_sha256": hashlib.sha256("\n".join(test).encode()).hexdigest(),
        "skipped": [f"{s.file}:{s.line}" for s in report.skipped[:100]],
    }
    return write_summary(out_dir, "text", summary)


def length_advice(samples: list[Sample], truncated: int, max_length: int, source: Path) -> str:
    """What to do when most samples were cut: their lengths, and the settings to change."""
    lengths = np.array([len(sample.text) for sample in samples])
    suggested = int(min(1024, -(-np.percentile(lengths, 90) // 8) * 8))
    return (
        f"{truncated} of {len(samples)} text samples in {source} ({truncated / len(samples):.0%}) "
        f"were cut to text.max_length {max_length} characters (median length "
        f"{np.median(lengths):.0f}, 90 % are at most {np.percentile(lengths, 90):.0f}): the "
        f"model will only learn their beginnings. Set text.max_length: {suggested} to keep 90 %"
        " whole (longer samples train slower), or text.too_long: skip to leave long ones out"
    )


def save_text_split(tokens: np.ndarray, texts: list[str], stem: Path) -> None:
    with atomic_path(stem.with_suffix(".npz")) as tmp, tmp.open("wb") as handle:
        np.savez(handle, tokens=tokens)
    write_text_atomic(stem.with_suffix(".txt"), "".join(t + "\n" for t in texts))


def load_text_split(prepared: Path, name: str) -> TextSplit:
    npz, txt = prepared / f"{name}.npz", prepared / f"{name}.txt"
    if not npz.is_file() or not txt.is_file():
        raise DataError(f"{npz}: prepared text not found", hint="run `ganops prepare` first")
    with np.load(npz) as archive:
        tokens = archive["tokens"]
    return TextSplit(tokens, txt.read_text(encoding="utf-8").splitlines())


def load_vocabulary(prepared: Path) -> Vocabulary:
    path = prepared / VOCAB_FILE
    if not path.is_file():
        raise DataError(f"{path} not found", hint="run `ganops prepare` first")
    return Vocabulary.from_json(path.read_text(encoding="utf-8"))
