"""Text corpora -> fixed-length character index arrays, and back (``decode``).

Sources: the Debian ``fortunes`` folder (entries separated by a line holding only ``%``; the
``*.dat`` index files, ``*.u8`` links and the files in ``exclude`` are left out) or a user's
UTF-8 text file (one sample per line, or samples separated by a chosen string).

Each sample has its whitespace collapsed to single spaces and its control characters removed
(fortunes use backspace overstrikes). Policy for samples longer than ``max_length``:
``truncate`` keeps the first ``max_length`` characters (what Gulrajani et al. 2017 did with
their 32-character sentences; the count is recorded), ``skip`` leaves them out and counts them,
and stops, naming the file and the first offending lines, when more than ``max_bad_fraction``
of the samples would be lost. An empty file or folder and a file that is not UTF-8 stop the
run, naming the file (and the byte offset of the first bad byte).

Index 0 is padding (a sample ends at its first padding position), 1 stands for characters
outside the vocabulary; the vocabulary is built from the training split only, so held-out
text never leaks into the model's alphabet.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ganops.errors import DataError

PAD, UNK = 0, 1
UNKNOWN_CHAR = "\N{REPLACEMENT CHARACTER}"
FORTUNE_SEPARATOR = "%"
SKIPPED_SUFFIXES = (".dat", ".u8")
AUTO, NEWLINE = "auto", "newline"


@dataclass(frozen=True)
class Vocabulary:
    """Characters by index; 0 = padding, 1 = unknown."""

    chars: tuple[str, ...]

    @classmethod
    def build(cls, texts: Iterable[str], size: int) -> Vocabulary:
        """The ``size - 2`` most frequent characters (ties by code point: deterministic)."""
        counts = Counter(char for text in texts for char in text)
        ranked = sorted(counts, key=lambda char: (-counts[char], char))
        return cls(("", UNKNOWN_CHAR, *ranked[: max(0, size - 2)]))

    def __len__(self) -> int:
        return len(self.chars)

    def to_json(self) -> str:
        return json.dumps(list(self.chars), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        return cls(tuple(json.loads(text)))

    def encode(self, texts: Sequence[str], max_length: int) -> np.ndarray:
        """Strings -> int32 (N, max_length), padded with 0; longer strings are cut."""
        index = {char: i for i, char in enumerate(self.chars) if i > UNK}
        out = np.full((len(texts), max_length), PAD, dtype=np.int32)
        for row, text in enumerate(texts):
            codes = [index.get(char, UNK) for char in text[:max_length]]
            out[row, : len(codes)] = codes
        return out


def decode(tokens: np.ndarray, vocabulary: Vocabulary) -> list[str]:
    """Indices (N, L) or per-position probabilities / one-hots (N, L, V) -> N strings.

    The one decoder used by training grids, evaluation and the registered model: probabilities
    are decoded greedily (argmax), and a sample ends at its first padding position.
    """
    tokens = np.asarray(tokens)
    if tokens.ndim == 3:
        tokens = tokens.argmax(axis=-1)
    if tokens.ndim != 2:
        raise ValueError(f"decode expects (N, L) indices or (N, L, V) scores, got {tokens.shape}")
    chars = np.asarray(vocabulary.chars, dtype=object)
    texts = []
    for row in tokens:
        row = np.clip(row, 0, len(chars) - 1)
        end = np.flatnonzero(row == PAD)
        texts.append("".join(chars[row[: end[0] if len(end) else len(row)]]))
    return texts


def normalize(text: str) -> str:
    """Collapse whitespace to single spaces and drop control characters (overstrikes, bells)."""
    kept = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())


@dataclass
class Sample:
    text: str
    file: str
    line: int  # 1-based line where the sample starts


def read_text_file(path: Path, separator: str = NEWLINE) -> list[Sample]:
    """Samples of one UTF-8 file: one per line, or separated by lines equal to ``separator``
    (``%`` for the fortunes format) or, failing that, by ``separator`` anywhere."""
    if not path.is_file():
        raise DataError(f"{path}: text file not found", hint="set data.path; `dvc pull` data/")
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(
            f"{path}: not UTF-8 text (byte {error.start}: {raw[error.start : error.start + 1]!r})",
            hint="convert it, e.g. `iconv -f latin1 -t utf-8`",
        ) from None
    samples = [s for s in _split(content, separator, str(path)) if s.text]
    if not samples:
        raise DataError(
            f"{path}: no text samples in this file (it is empty or holds only whitespace)",
            hint="give a UTF-8 file with one sample per line, or set text.separator",
        )
    return samples


def _split(content: str, separator: str, name: str) -> list[Sample]:
    lines = content.splitlines()
    if separator == NEWLINE:
        return [Sample(normalize(line), name, i + 1) for i, line in enumerate(lines)]
    if any(line.strip() == separator for line in lines):  # a separator line (fortunes style)
        samples, start, chunk = [], 1, []
        for i, line in enumerate(lines):
            if line.strip() == separator:
                samples.append(Sample(normalize("\n".join(chunk)), name, start))
                start, chunk = i + 2, []
            else:
                chunk.append(line)
        samples.append(Sample(normalize("\n".join(chunk)), name, start))
        return samples
    parts, line = [], 1
    for part in content.split(separator):
        parts.append(Sample(normalize(part), name, line))
        line += part.count("\n")
    return parts


def corpus_files(folder: Path, exclude: Iterable[str] = ()) -> list[Path]:
    """The corpus files of a fortunes-style folder, in name order."""
    if not folder.is_dir():
        raise DataError(f"{folder}: text folder not found", hint="set data.path; `dvc pull`")
    skipped = set(exclude)
    files = sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.suffix not in SKIPPED_SUFFIXES and path.name not in skipped
    )
    if not files:
        raise DataError(
            f"{folder}: no text files found (left out: {sorted(skipped)})",
            hint="put text files in the folder, or point data.path at one file",
        )
    return files


def read_corpus(path: Path, separator: str = AUTO, exclude: Iterable[str] = ()) -> list[Sample]:
    """A file or a fortunes folder -> samples. ``auto``: ``%`` entries in a folder, lines in a
    file."""
    if path.is_dir():
        separator = FORTUNE_SEPARATOR if separator == AUTO else separator
        return [s for f in corpus_files(path, exclude) for s in read_text_file(f, separator)]
    return read_text_file(path, NEWLINE if separator == AUTO else separator)


@dataclass
class LengthReport:
    kept: list[Sample]
    truncated: int = 0
    skipped: list[Sample] = field(default_factory=list)


def fit_length(
    samples: list[Sample], max_length: int, policy: str, max_bad_fraction: float
) -> LengthReport:
    """Apply the too-long policy (``truncate`` or ``skip``; see the module docstring)."""
    long = [s for s in samples if len(s.text) > max_length]
    if policy == "truncate":
        kept = [Sample(s.text[:max_length], s.file, s.line) for s in samples]
        return LengthReport(kept, truncated=len(long))
    report = LengthReport([s for s in samples if len(s.text) <= max_length], skipped=long)
    share = len(long) / len(samples)
    if not report.kept or share > max_bad_fraction:
        where = ", ".join(f"{s.file}:{s.line}" for s in long[:5])
        raise DataError(
            f"{len(long)} of {len(samples)} text samples are longer than {max_length} "
            f"characters ({share:.1%} > data.max_bad_fraction {max_bad_fraction:.1%}), "
            f"e.g. {where}",
            hint="raise text.max_length or data.max_bad_fraction, or set text.too_long=truncate",
        )
    return report
