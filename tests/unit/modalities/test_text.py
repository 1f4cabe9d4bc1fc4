"""The text modality's own rules (its stages run in the integration tests), its run label, and
its served model: a logged text generator maps seeds to decoded strings."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
import pytest

from ganops.config import load_config
from ganops.data.text import Vocabulary, decode
from ganops.errors import ConfigError
from ganops.models.text import build_text_generator
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


def test_text_label_names_the_text_model_and_its_penalty() -> None:
    config = load_config(PROJECT_ROOT / "params-text.yaml")
    assert config.modality.run_label(config) == "fortunes-char-resnet-wgan-gp"


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
