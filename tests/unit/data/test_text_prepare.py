"""Preparing text: the recorded, seeded split and the stored tokens."""

from __future__ import annotations

import json
from pathlib import Path

from ganops.config import validate
from ganops.data.text import decode
from ganops.data.text_prepare import load_text_split, load_vocabulary, prepare_text
from tests.conftest import TEXT_PARAMS
from tests.unit.data.helpers import N_FIXTURE_ENTRIES


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
