"""The text pyfunc in a real sqlite MLflow store: seeds in, the shared decoder's strings out;
and the run summary of a text run."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd

from ganops.data.text import Vocabulary, decode
from ganops.models.text import build_text_generator
from ganops.noise import noise_from_seeds
from ganops.report import summary_markdown
from ganops.sampling import load_generator
from ganops.tracking.text_registry import log_text_generator


def test_logged_text_generator_maps_seeds_to_decoded_strings(
    tmp_path: Path, mlflow_uri: str
) -> None:
    vocabulary = Vocabulary(("", "?", *"abcdefgh "))
    generator = build_text_generator(8, 12, len(vocabulary), dim=8, blocks=1)
    generator.save(tmp_path / "generator.keras")
    (tmp_path / "vocab.json").write_text(vocabulary.to_json())
    mlflow.set_tracking_uri(mlflow_uri)
    mlflow.set_experiment("text-logging")  # not the experiment an earlier test made active
    with mlflow.start_run():
        uri = log_text_generator(tmp_path / "generator.keras", tmp_path / "vocab.json")

    model = mlflow.pyfunc.load_model(uri)
    texts = model.predict(pd.DataFrame({"seed": [5, 6, 5]}))["text"].tolist()
    expected = decode(generator.predict_on_batch(noise_from_seeds([5, 6], 8)), vocabulary)
    assert texts == [*expected, expected[0]]
    # ganops.sampling gives the strings as an object array, which `ganops sample` prints.
    sampled = load_generator(uri, mlflow_uri).sample(2, seed=5)
    assert sampled.dtype == object and [str(t) for t in sampled.ravel()] == expected


def test_run_summary_lists_text_metrics_floors_and_samples(tmp_path: Path) -> None:
    samples = tmp_path / "samples.txt"
    samples.write_text("hello there\ngeneral\n", "utf-8")
    results = {
        "evaluate": {"jsd_4": 0.5, "jsd_4_floor": 0.25, "n_generated": 100},
        "register": {"run_id": "abc", "model_name": "m", "version": "3", "reason": "first"},
    }
    text = summary_markdown("text-gan", results, samples, "sqlite:///mlflow.db")
    assert "| `jsd_4` | 0.5 | 0.25 |" in text and "```text\nhello there\ngeneral\n```" in text
    assert "`models:/m/3`" in text and "base64" not in text
