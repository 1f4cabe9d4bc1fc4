from __future__ import annotations

from pathlib import Path

import pytest

from ganops.config import Config, apply_overrides, load_config, parse_override
from ganops.errors import ConfigError


def test_params_yaml_is_valid_and_matches_schema_defaults(project_root: Path) -> None:
    config = load_config(project_root / "params.yaml")
    assert config.train.loss == "non_saturating"
    assert config.register.model_name == "ganops-fashion-mnist"
    # Every schema key is spelled out in params.yaml, so nothing is hidden in code.
    assert set(config.flat()) == set(Config().flat())


def test_override_replaces_one_value(project_root: Path) -> None:
    config = load_config(project_root / "params.yaml", {"train.epochs": 3})
    assert config.train.epochs == 3
    assert config.train.batch_size == 256


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"train.loss": "wasserstein-ish"}, "train.loss: Input should be 'non_saturating'"),
        ({"train.g_learning_rate": -1}, "train.g_learning_rate: Input should be greater than 0"),
        ({"train.batch_size": 0}, "train.batch_size: Input should be greater than or equal to 1"),
        ({"train.epochs": "three"}, "train.epochs: Input should be a valid integer"),
        ({"train.epoch": 3}, "train.epoch: unknown key"),
        ({"trian.epochs": 3}, "trian: unknown key"),
        ({"register.model_name": "a b"}, "register.model_name: String should match pattern"),
    ],
)
def test_bad_values_are_rejected_with_key_and_allowed_values(
    project_root: Path, overrides: dict, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(project_root / "params.yaml", overrides)
    assert expected in caught.value.message


def test_batch_larger_than_dataset_slice_is_rejected(project_root: Path) -> None:
    with pytest.raises(ConfigError, match=r"larger than data\.limit_train"):
        load_config(
            project_root / "params.yaml", {"data.limit_train": 100, "train.batch_size": 256}
        )


def test_parse_override_reads_yaml_values() -> None:
    assert parse_override("train.epochs=3") == ("train.epochs", 3)
    _key, value = parse_override("train.g_learning_rate=1e-4")
    assert (
        Config.model_validate({"train": {"g_learning_rate": value}}).train.g_learning_rate == 1e-4
    )
    assert parse_override("register.model_name=abc") == ("register.model_name", "abc")
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("train.epochs")


def test_apply_overrides_does_not_mutate_input() -> None:
    tree = {"train": {"epochs": 1}}
    assert apply_overrides(tree, {"train.epochs": 2}) == {"train": {"epochs": 2}}
    assert tree == {"train": {"epochs": 1}}


def test_missing_and_malformed_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    broken = tmp_path / "params.yaml"
    broken.write_text("train: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)


def test_fingerprint_depends_on_chosen_sections_only() -> None:
    base = Config()
    changed_eval = Config.model_validate({"evaluate": {"n_samples": 50}})
    changed_train = Config.model_validate({"train": {"g_learning_rate": 0.001}})
    longer = Config.model_validate({"train": {"max_seconds": 1200, "kimg": 500, "epochs": 9}})
    assert base.fingerprint("data", "train") == changed_eval.fingerprint("data", "train")
    assert base.fingerprint("data", "train") != changed_train.fingerprint("data", "train")
    # Training longer resumes the checkpoints: the length is not part of the fingerprint.
    assert base.fingerprint("data", "train") == longer.fingerprint("data", "train")


def test_training_needs_an_end(project_root: Path) -> None:
    with pytest.raises(ConfigError, match=r"training needs an end: set train\.max_seconds"):
        load_config(project_root / "params.yaml", {"train.max_seconds": 0, "train.epochs": 0})


def test_relative_sqlite_uri_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert Config().tracking_uri(tmp_path) == f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5001")
    assert Config().tracking_uri(tmp_path) == "http://127.0.0.1:5001"
