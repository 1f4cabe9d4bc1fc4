"""Text corpora: reading (fortunes `%` format, lines, separators), the length policy,
vocabulary, encode/decode round trips and the recorded split."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from ganops.config import validate
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
from ganops.data.text_prepare import load_text_split, load_vocabulary, prepare_text
from ganops.errors import DataError
from tests.conftest import FIXTURES, TEXT_PARAMS

# 300 entries from each of three fortunes files (startrek has only 227).
N_FIXTURE_ENTRIES = 827


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


def test_prepare_records_a_seeded_split(tmp_path: Path) -> None:
    config = validate(TEXT_PARAMS | {"data": TEXT_PARAMS["data"] | {"split_seed": 3}})
    first = prepare_text(config, Path("/"), tmp_path / "a")
    again = prepare_text(config, Path("/"), tmp_path / "b")
    assert first["n_train"] + first["n_test"] == N_FIXTURE_ENTRIES and first["n_test"] == 83
    assert first["test_sha256"] == again["test_sha256"] and first["split_seed"] == 3
    other = prepare_text(
        config.model_copy(update={"data": config.data.model_copy(update={"split_seed": 4})}),
        Path("/"),
        tmp_path / "c",
    )
    assert other["test_sha256"] != first["test_sha256"]
    train = load_text_split(tmp_path / "a", "train")
    vocabulary = load_vocabulary(tmp_path / "a")
    assert train.tokens.shape == (744, 32) and len(vocabulary) == first["vocab_size"] <= 96
    # Truncated to 32 characters, and what decode gives back is the stored text
    # (apart from characters outside the vocabulary).
    decoded = decode(train.tokens, vocabulary)
    assert sum(a == b for a, b in zip(decoded, train.texts, strict=True)) > 0.95 * len(decoded)
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["samples_truncated"] > 0 and summary["modality"] == "text"


def test_text_settings_are_validated_and_the_gate_must_measure_text() -> None:
    from ganops.errors import ConfigError

    text = {"dataset": "fortunes", "path": "data/fortunes"}
    config = validate({"data": text, "register": {"metric": "jsd_4"}})
    assert config.modality.name == "text" and validate({}).modality.name == "image"
    with pytest.raises(
        ConfigError, match=re.escape("register.metric 'fid_domain' does not measure text")
    ):
        validate({"data": text})
    with pytest.raises(
        ConfigError, match=re.escape("register.metric 'jsd_4' does not measure image")
    ):
        validate({"register": {"metric": "jsd_4"}})
    with pytest.raises(
        ConfigError, match=re.escape("text.too_long: Input should be 'truncate' or 'skip'")
    ):
        validate({"data": text, "register": {"metric": "jsd_4"}, "text": {"too_long": "cut"}})
    with pytest.raises(
        ConfigError, match=re.escape("text.max_length: Input should be greater than")
    ):
        validate({"data": text, "register": {"metric": "jsd_4"}, "text": {"max_length": 1}})
    with pytest.raises(ConfigError, match=re.escape("register.lower_is_better must be false")):
        validate({"data": text, "register": {"metric": "bleu_4"}})
    with pytest.raises(
        ConfigError, match=r"train\.conditional and train\.diffaugment are for images"
    ):
        validate(TEXT_PARAMS | {"train": {"diffaugment": "translation"}})
