from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from ganops.config import (
    Config,
    DataConfig,
    TrainConfig,
    apply_overrides,
    load_config,
    parse_override,
    validate,
)
from ganops.errors import ConfigError
from ganops.training import losses
from tests.conftest import TEXT_PARAMS


def test_params_yaml_is_valid_and_matches_schema_defaults(project_root: Path) -> None:
    config = load_config(project_root / "params.yaml")
    assert config.train.loss == "non_saturating"
    assert config.register.model_name == "ganops-fashion-mnist"
    # Every schema key is spelled out in params.yaml, so nothing is hidden in code.
    assert set(config.flat()) == set(Config().flat())


def test_override_replaces_one_value(project_root: Path) -> None:
    config = load_config(project_root / "params.yaml", {"train.epochs": 3})
    assert config.train.epochs == 3
    assert config.train.batch_size == 64


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


def test_gate_metric_default_and_unknown_names(project_root: Path) -> None:
    assert load_config(project_root / "params.yaml").register.metric == "fid_domain"
    with pytest.raises(ConfigError) as caught:
        load_config(project_root / "params.yaml", {"register.metric": "fid"})
    assert "register.metric" in caught.value.message and "'fid_domain'" in caught.value.message
    assert "'kid_inception'" in caught.value.message


def test_gate_direction_and_inception_requirement(project_root: Path) -> None:
    params = project_root / "params.yaml"
    with pytest.raises(ConfigError, match="lower_is_better must be false"):
        load_config(params, {"register.metric": "recall_domain"})
    config = load_config(
        params, {"register.metric": "recall_domain", "register.lower_is_better": False}
    )
    assert config.register.metric == "recall_domain"
    with pytest.raises(ConfigError, match=r"needs evaluate\.inception: true"):
        load_config(params, {"register.metric": "fid_inception"})
    assert load_config(
        params, {"register.metric": "fid_inception", "evaluate.inception": True}
    ).evaluate.inception


def test_unmakeable_resolution_is_rejected_by_the_schema() -> None:
    with pytest.raises(ValueError, match="cannot be generated"):
        DataConfig(dataset="image-folder", image_size=30)
    with pytest.raises(ValueError, match="1 or 3"):
        DataConfig(channels=2)


def test_config_error_is_a_config_error(project_root: Path) -> None:
    with pytest.raises(ConfigError, match=r"data\.image_size"):
        load_config(project_root / "params.yaml", {"data.image_size": 30})


def test_text_settings_are_validated_and_the_gate_must_measure_text() -> None:
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


def test_settings_are_validated_before_work(project_root: Path) -> None:
    for key, value, message in [
        ("train.improved.label_smoothing", 0.7, "less than or equal to 0.5"),
        ("train.improved.label_smoothing", -0.1, "greater than or equal to 0"),
        ("train.improved.feature_matching", "sometimes", "'none', 'added' or 'alone'"),
        ("train.improved.minibatch", "batchnorm", "'none', 'stddev' or 'discrimination'"),
        ("train.improved.historical_averaging", -1, "greater than or equal to 0"),
        ("train.improved.feature_matching_weight", 0, "greater than 0"),
        ("train.improved.typo", 1, "unknown key"),
    ]:
        with pytest.raises(ConfigError) as caught:
            load_config(project_root / "params.yaml", {key: value})
        assert key in str(caught.value) and message in str(caught.value), str(caught.value)


def test_label_smoothing_is_refused_for_a_loss_without_targets(project_root: Path) -> None:
    smoothing = {"train.improved.label_smoothing": 0.1}
    for loss in ("hinge", "wgan", "wgan_gp", "least_squares"):
        with pytest.raises(ConfigError, match=r"needs a cross-entropy train\.loss"):
            load_config(project_root / "params.yaml", {**smoothing, "train.loss": loss})
    for loss in ("non_saturating", "minimax"):
        config = load_config(project_root / "params.yaml", {**smoothing, "train.loss": loss})
        assert config.train.improved.label_smoothing == 0.1


def test_label_smoothing_follows_the_registry_cross_entropy_property() -> None:
    for name, loss in losses.LOSSES.items():
        values = {"loss": name, "improved": {"label_smoothing": 0.1}}
        if name == "wgan":
            values["penalty"] = "gp"
        if loss.cross_entropy:
            assert TrainConfig(**values).improved.label_smoothing == 0.1
        else:
            with pytest.raises(ValidationError, match="needs a cross-entropy"):
                TrainConfig(**values)


@pytest.mark.parametrize(
    ("written", "loss", "penalty"),
    [
        ({"loss": "wgan_gp"}, "wgan", "gp"),
        ({"loss": "wgan_gp", "penalty": "none"}, "wgan", "gp"),
        ({"loss": "wgan"}, "wgan", "clip"),  # the original WGAN clipped weights
        ({"loss": "hinge", "r1_gamma": 5.0}, "hinge", "r1"),
        ({"loss": "hinge", "r1_gamma": 0.0}, "hinge", "none"),
        ({"loss": "wgan", "penalty": "none"}, "wgan", "none"),  # written out: as written
    ],
)
def test_parameter_files_from_before_penalties_keep_their_meaning(
    written: dict, loss: str, penalty: str
) -> None:
    config = TrainConfig(**written)
    assert (config.loss, config.penalty) == (loss, penalty)


def test_a_legacy_loss_that_clashes_with_its_penalty_says_what_to_write() -> None:
    with pytest.raises(ValidationError, match=r"write train\.loss: wgan and the penalty you want"):
        TrainConfig(loss="wgan_gp", penalty="r1")
