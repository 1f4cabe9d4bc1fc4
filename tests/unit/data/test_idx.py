from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from ganops.data.idx import read_idx, read_split
from ganops.errors import DataError
from tests.unit.data.helpers import FASHION


def test_reads_real_fashion_mnist_slice() -> None:
    images, labels = read_split(FASHION, "train")
    assert images.shape == (512, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (512,)
    assert set(np.unique(labels)) == set(range(10))
    # First Fashion-MNIST training label is 9 (ankle boot), a fact of the dataset.
    assert labels[0] == 9


def test_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    source = (FASHION / "train-images-idx3-ubyte.gz").read_bytes()
    broken = tmp_path / "train-images-idx3-ubyte.gz"
    broken.write_bytes(source[: len(source) // 2])
    with pytest.raises(DataError, match=str(broken)):
        read_idx(broken)


def test_short_payload_is_reported(tmp_path: Path) -> None:
    raw = gzip.decompress((FASHION / "t10k-labels-idx1-ubyte.gz").read_bytes())
    broken = tmp_path / "labels.gz"
    broken.write_bytes(gzip.compress(raw[:-10]))
    with pytest.raises(DataError, match="header promises"):
        read_idx(broken)


def test_not_idx_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "x.gz"
    broken.write_bytes(gzip.compress(b"hello world, not idx"))
    with pytest.raises(DataError, match="bad magic"):
        read_idx(broken)


def test_missing_file_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read_split(tmp_path, "train")
    assert "dvc pull" in (caught.value.hint or "")


def test_mismatched_splits_are_rejected(tmp_path: Path) -> None:
    for path in FASHION.iterdir():
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(FASHION / "t10k-labels-idx1-ubyte.gz", tmp_path / "train-labels-idx1-ubyte.gz")
    with pytest.raises(DataError, match="do not match"):
        read_split(tmp_path, "train")
