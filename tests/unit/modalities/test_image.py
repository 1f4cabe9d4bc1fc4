"""The image modality's own rules (its stages run in the integration tests)."""

from __future__ import annotations

import pytest

from ganops.config import load_config
from ganops.errors import ConfigError
from tests.conftest import PROJECT_ROOT


def test_run_label_names_dataset_architecture_and_objective() -> None:
    config = load_config(PROJECT_ROOT / "params.yaml", {"train.penalty": "r1"})
    assert config.modality.run_label(config) == "fashion-mnist-dcgan-non_saturating-r1"


def test_inception_gate_needs_inception_metrics() -> None:
    with pytest.raises(ConfigError, match=r"needs evaluate\.inception: true"):
        load_config(PROJECT_ROOT / "params.yaml", {"register.metric": "fid_inception"})


def test_run_label_names_dataset_model_and_loss() -> None:
    config = load_config(PROJECT_ROOT / "params.yaml")
    label = config.modality.run_label(config)
    assert config.data.dataset in label and config.train.loss in label and "dcgan" in label
