"""The text pyfunc in a real sqlite MLflow store: seeds in, the shared decoder's strings out;
and the Prefect summary of a text run."""

from __future__ import annotations

import sys
from pathlib import Path

import mlflow
import pandas as pd

from ganops.data.text import Vocabulary, decode
from ganops.models.text import build_text_generator
from ganops.noise import noise_from_seeds
from ganops.sampling import load_generator
from ganops.tracking.text_registry import log_text_generator
from tests.conftest import PROJECT_ROOT


def test_logged_text_generator_maps_seeds_to_decoded_strings(
    tmp_path: Path, mlflow_uri: str
) -> None:
    vocabulary = Vocabulary(("", "?", *"abcdefgh "))
    generator = build_text_generator(8, 12, len(vocabulary), dim=8, blocks=1)
    generator.save(tmp_path / "generator.keras")
    (tmp_path / "vocab.json").write_text(vocabulary.to_json())
    mlflow.set_tracking_uri(mlflow_uri)
    with mlflow.start_run():
        uri = log_text_generator(tmp_path / "generator.keras", tmp_path / "vocab.json")

    model = mlflow.pyfunc.load_model(uri)
    texts = model.predict(pd.DataFrame({"seed": [5, 6, 5]}))["text"].tolist()
    expected = decode(generator.predict_on_batch(noise_from_seeds([5, 6], 8)), vocabulary)
    assert texts == [*expected, expected[0]]
    # ganops.sampling gives the strings as an object array, which `ganops sample` prints.
    sampled = load_generator(uri, mlflow_uri).sample(2, seed=5)
    assert sampled.dtype == object and [str(t) for t in sampled.ravel()] == expected


def test_prefect_summary_lists_metrics_floors_and_samples() -> None:
    sys.path.insert(0, str(PROJECT_ROOT / "flows"))
    from text_gan import METRICS, summary_markdown

    metrics = {m: 0.5 for m in METRICS} | {f"{m}_floor": 0.25 for m in METRICS}
    metrics |= {"n_generated": 100, "n_test": 50}
    registration = {"run_id": "abc", "model_name": "m", "version": "3", "reason": "first"}
    text = summary_markdown(metrics, ["hello there", "general"], registration)
    assert "| jsd_4 | 0.5000 | 0.2500 |" in text and "hello there" in text
    assert "version 3" in text and text.count("|---|---|---|") == 1
