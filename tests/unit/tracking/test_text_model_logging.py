"""The text pyfunc in a real sqlite MLflow store: seeds in, the shared decoder's strings out;
and the run summary of a text run."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd

from ganops.config import load_config
from ganops.data.text import Vocabulary, decode
from ganops.models.text import build_text_generator
from ganops.noise import noise_from_seeds
from ganops.paths import RunPaths
from ganops.report import summary_markdown
from ganops.sampling import load_generator
from ganops.tracking.registry import log_generator
from tests.conftest import PROJECT_ROOT


def test_logged_text_generator_maps_seeds_to_decoded_strings(
    tmp_path: Path, mlflow_uri: str
) -> None:
    vocabulary = Vocabulary(("", "?", *"abcdefgh "))
    paths = RunPaths(tmp_path)
    generator = build_text_generator(8, 12, len(vocabulary), dim=8, blocks=1)
    paths.model_dir.mkdir()
    generator.save(paths.generator)
    paths.prepared.mkdir()
    (paths.prepared / "vocab.json").write_text(vocabulary.to_json())
    config = load_config(PROJECT_ROOT / "params-text.yaml")
    mlflow.set_tracking_uri(mlflow_uri)
    mlflow.set_experiment("text-logging")  # not the experiment an earlier test made active
    with mlflow.start_run():
        served = config.modality.served_model(config, paths)
        uri = log_generator(paths.generator, config.modality.name, served)

    model = mlflow.pyfunc.load_model(uri)
    texts = model.predict(pd.DataFrame({"seed": [5, 6, 5]}))["text"].tolist()
    expected = decode(generator.predict_on_batch(noise_from_seeds([5, 6], 8)), vocabulary)
    assert texts == [*expected, expected[0]]
    # ganops.sampling gives a flat array of strings, which `ganops sample` prints.
    loaded = load_generator(uri, mlflow_uri)
    sampled = loaded.sample(2, seed=5)
    assert sampled.shape == (2,) and list(sampled) == expected
    assert loaded.modality.name == "text"


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
