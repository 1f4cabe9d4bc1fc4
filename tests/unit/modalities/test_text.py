"""The text modality's own rules (its stages run in the integration tests), its run label, and
its served model: a logged text generator maps seeds to decoded strings."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest

from ganops.config import load_config
from ganops.data.summary import write_summary
from ganops.data.text import Vocabulary, decode
from ganops.errors import ConfigError
from ganops.models.language import SequenceSampler, build_language_model
from ganops.noise import noise_from_seeds
from ganops.paths import RunPaths
from ganops.sampling import load_generator
from ganops.tracking.registry import log_generator
from tests.conftest import PROJECT_ROOT


@pytest.mark.parametrize("override", [{"train.conditional": True}, {"train.diffaugment": "color"}])
def test_image_only_settings_are_refused_for_text(override: dict) -> None:
    with pytest.raises(ConfigError, match="are for images"):
        load_config(PROJECT_ROOT / "params-text.yaml", override)


def test_an_image_gate_metric_is_refused_for_text() -> None:
    with pytest.raises(ConfigError, match="does not measure text samples"):
        load_config(PROJECT_ROOT / "params-text.yaml", {"register.metric": "fid_domain"})


def test_run_labels_name_the_text_model() -> None:
    config = load_config(PROJECT_ROOT / "params-text.yaml")
    assert config.modality.run_label(config) == "fortunes-language-gan"
    wgan = load_config(PROJECT_ROOT / "params-text.yaml", {"text.model": "wgan_gp"})
    assert wgan.modality.run_label(wgan) == "fortunes-char-resnet-wgan-gp"


def test_logged_language_gan_samples_by_seed_at_the_chosen_temperature(
    tmp_path: Path, mlflow_uri: str
) -> None:
    vocabulary = Vocabulary(("", "?", *"abcdefgh "))
    paths = RunPaths(tmp_path)
    generator = build_language_model(len(vocabulary), hidden=8, embedding=4)
    paths.model_dir.mkdir()
    generator.save(paths.generator)
    paths.prepared.mkdir()
    (paths.prepared / "vocab.json").write_text(vocabulary.to_json())
    write_summary(paths.prepared, "text", {"sequence_shape": [12]})
    paths.metrics.write_text(json.dumps({"temperature": 0.8}))  # what evaluation chose
    config = load_config(PROJECT_ROOT / "params-text.yaml")
    mlflow.set_tracking_uri(mlflow_uri)
    mlflow.set_experiment("text-logging")  # not the experiment an earlier test made active
    with mlflow.start_run():
        served = config.modality.served_model(config, paths)
        uri = log_generator(paths.generator, config.modality.name, served)

    model = mlflow.pyfunc.load_model(uri)
    texts = model.predict(pd.DataFrame({"seed": [5, 6, 5]}))["text"].tolist()
    sampler = SequenceSampler(generator, 12)
    expected = decode(sampler(noise_from_seeds([5, 6], 12), 0.8), vocabulary)
    assert texts == [*expected, expected[0]]
    # A temperature column samples at the temperatures asked for, row by row.
    hot = model.predict(pd.DataFrame({"seed": [5, 6], "temperature": [0.8, 1.5]}))["text"]
    assert hot[0] == expected[0]
    assert hot[1] == decode(sampler(noise_from_seeds([6], 12), 1.5), vocabulary)[0]
    # ganops.sampling gives a flat array of strings, which `ganops sample` prints.
    loaded = load_generator(uri, mlflow_uri)
    sampled = loaded.sample(2, seed=5)
    assert sampled.shape == (2,) and list(sampled) == expected
    assert loaded.modality.name == "text"
