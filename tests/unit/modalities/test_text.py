"""The text modality's own rules (its stages run in the integration tests)."""

from __future__ import annotations

import pytest

from ganops.config import load_config
from ganops.errors import ConfigError
from tests.conftest import PROJECT_ROOT


@pytest.mark.parametrize("override", [{"train.conditional": True}, {"train.diffaugment": "color"}])
def test_image_only_settings_are_refused_for_text(override: dict) -> None:
    with pytest.raises(ConfigError, match="are for images"):
        load_config(PROJECT_ROOT / "params-text.yaml", override)


def test_an_image_gate_metric_is_refused_for_text() -> None:
    with pytest.raises(ConfigError, match="does not measure text samples"):
        load_config(PROJECT_ROOT / "params-text.yaml", {"register.metric": "fid_domain"})
