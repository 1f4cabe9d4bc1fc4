"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest

from tests.unit.evaluation import torch_fidelity_reference


@pytest.fixture(scope="session")
def torch_fidelity_values(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """torch-fidelity's FID and KID of ``torch_fidelity_reference.feature_arrays()``."""
    return torch_fidelity_reference.torch_fidelity_values(tmp_path_factory.mktemp("fidelity"))
