"""Text corpora: reading (fortunes `%` format, lines, separators), the length policy,
vocabulary and encode/decode round trips."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from ganops.data.text import (
    PAD,
    UNK,
    UNKNOWN_CHAR,
    Sample,
    Vocabulary,
    decode,
    fit_length,
    normalize,
    read_corpus,
    read_text_file,
)
from ganops.errors import DataError
from tests.conftest import FIXTURES
from tests.unit.data.helpers import N_FIXTURE_ENTRIES


def test_fortunes_folder_is_read_entry_by_entry_and_excluded_files_are_left_out(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "fortunes"
    shutil.copytree(FIXTURES / "fortunes", folder)
    (folder / "wisdom.dat").write_bytes(b"\x00\x01binary index")
    (folder / "politics").write_text("left out\n%\n")
    samples = read_corpus(folder, exclude=["politics"])
    files = {Path(s.file).name for s in samples}
    assert files == {"fortunes", "wisdom", "startrek"}
    assert len(samples) == N_FIXTURE_ENTRIES
    # Multi-line entries become one line; the tab-indented attribution is kept, spaced.
    assert all("\n" not in s.text and "\t" not in s.text and s.text for s in samples)
    first = read_text_file(folder / "wisdom", "%")[0]
    assert first.text.startswith("(1) Avoid fried meats") and first.line == 1


def test_lines_and_custom_separators(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("hello world\n\n  two   spaces\nthird\n", encoding="utf-8")
    assert [s.text for s in read_corpus(path)] == ["hello world", "two spaces", "third"]
    assert [s.line for s in read_corpus(path)] == [1, 3, 4]
    path.write_text("a b ||| c\nd ||| e", encoding="utf-8")
    assert [s.text for s in read_corpus(path, "|||")] == ["a b", "c d", "e"]


def test_normalize_drops_control_characters() -> None:
    assert normalize("b\x08bo\x08old\x07 \t x\n y") == "bboold x y"


def test_bad_files_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    with pytest.raises(DataError, match=r"empty\.txt: no text samples"):
        read_corpus(empty)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin\.txt: not UTF-8 text \(byte 3"):
        read_corpus(latin)
    with pytest.raises(DataError, match="text file not found"):
        read_corpus(tmp_path / "missing.txt")


def test_too_long_policy() -> None:
    samples = [Sample("x" * n, "f.txt", n) for n in (3, 5, 8, 9)]
    truncated = fit_length(samples, 5, "truncate", 0.0)
    assert [s.text for s in truncated.kept] == ["xxx", "xxxxx", "xxxxx", "xxxxx"]
    assert truncated.truncated == 2
    skipped = fit_length(samples, 5, "skip", 0.5)
    assert [len(s.text) for s in skipped.kept] == [3, 5] and len(skipped.skipped) == 2
    with pytest.raises(DataError, match=r"2 of 4 text samples are longer than 5.*f\.txt:8"):
        fit_length(samples, 5, "skip", 0.25)


def test_vocabulary_encode_decode_round_trip() -> None:
    vocabulary = Vocabulary.build(["abba", "cab"], size=4)  # pad, unknown, a, b
    assert vocabulary.chars == ("", UNKNOWN_CHAR, "a", "b")
    tokens = vocabulary.encode(["abc", "ba", ""], max_length=4)
    np.testing.assert_array_equal(tokens, [[2, 3, UNK, PAD], [3, 2, PAD, PAD], [PAD] * 4])
    assert decode(tokens, vocabulary) == ["ab" + UNKNOWN_CHAR, "ba", ""]
    # Probabilities decode greedily, and a sample ends at its first padding position.
    probabilities = np.eye(4)[[[2, 2, PAD, 3]]] * 0.7 + 0.075
    assert decode(probabilities, vocabulary) == ["aa"]
    assert Vocabulary.from_json(vocabulary.to_json()) == vocabulary
