from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from ganops.config import DataConfig
from ganops.data.idx import read_idx, read_split
from ganops.data.prepare import load_raw, load_split, prepare_images
from ganops.errors import DataError
from tests.conftest import FIXTURES

FASHION = FIXTURES / "fashion-mnist"


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


def test_prepare_writes_arrays_and_summary(tmp_path: Path, project_root: Path) -> None:
    config = DataConfig(path=str(FASHION.relative_to(project_root)), limit_train=100)
    summary = prepare_images(config, project_root, tmp_path)
    assert summary == {
        "modality": "image",
        "dataset": "fashion-mnist",
        "image_shape": [28, 28, 1],
        "n_train": 100,
        "n_test": 256,
        "n_classes": 10,
    }
    train = load_split(tmp_path / "train.npz")
    raw_train, _, _ = load_raw(config, project_root)
    np.testing.assert_array_equal(train.images, raw_train.images)
    assert not list(tmp_path.glob(".*")), "no temporary files are left behind"


def test_mismatched_splits_are_rejected(tmp_path: Path) -> None:
    for path in FASHION.iterdir():
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(FASHION / "t10k-labels-idx1-ubyte.gz", tmp_path / "train-labels-idx1-ubyte.gz")
    with pytest.raises(DataError, match="do not match"):
        read_split(tmp_path, "train")
