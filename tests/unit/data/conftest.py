"""Real Fashion-MNIST test images, shared by the image folder and prepare tests."""

from __future__ import annotations

import numpy as np
import pytest

from ganops.data.idx import read_split
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def real_images() -> tuple[np.ndarray, np.ndarray]:
    return read_split(FIXTURES / "fashion-mnist", "t10k")
