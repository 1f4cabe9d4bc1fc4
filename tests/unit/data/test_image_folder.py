from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganops.config import DataConfig
from ganops.data.idx import read_split
from ganops.data.image_folder import UNLABELLED, read_image_folder
from ganops.data.prepare import prepare_images
from ganops.data.split import split_indices
from ganops.errors import ConfigError, DataError
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def real_images() -> tuple[np.ndarray, np.ndarray]:
    return read_split(FIXTURES / "fashion-mnist", "t10k")


def write_pngs(folder: Path, images: np.ndarray, labels: np.ndarray | None = None) -> None:
    for index, image in enumerate(images):
        target = folder if labels is None else folder / f"class_{labels[index]}"
        target.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(target / f"{index:04d}.png")


def read(folder: Path, **changes: object):
    values = {"size": 28, "channels": 1, "resize": False, "max_bad_fraction": 0.01, **changes}
    return read_image_folder(folder, **values)


def test_reads_real_images_byte_exact(tmp_path: Path, real_images) -> None:
    images, _ = real_images
    write_pngs(tmp_path, images[:20])
    found = read(tmp_path)
    np.testing.assert_array_equal(found.images[..., 0], images[:20])
    assert (found.labels == UNLABELLED).all() and found.class_names == []


def test_class_subfolders_become_labels(tmp_path: Path, real_images) -> None:
    images, labels = real_images
    write_pngs(tmp_path, images[:30], labels[:30])
    found = read(tmp_path)
    assert found.class_names == sorted({f"class_{label}" for label in labels[:30]})
    assert len(set(found.labels.tolist())) == len(found.class_names)


def test_few_bad_files_are_skipped_and_counted(tmp_path: Path, real_images) -> None:
    images, _ = real_images
    write_pngs(tmp_path, images[:200])
    (tmp_path / "zero.png").write_bytes(b"")
    found = read(tmp_path, max_bad_fraction=0.05)
    assert len(found.images) == 200 and found.n_found == 201
    assert found.skipped == [(str(tmp_path / "zero.png"), "empty (zero-byte) file")]


@pytest.mark.parametrize(
    ("make_bad", "reason"),
    [
        (lambda p: p.write_bytes(b""), "zero-byte"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\nthis is not a png"), "unreadable image"),
        (lambda p: Image.new("L", (30, 30)).save(p), "is 30x30, expected 28x28"),
    ],
)
def test_too_many_bad_files_stop_with_the_file_named(tmp_path, real_images, make_bad, reason):
    images, _ = real_images
    write_pngs(tmp_path, images[:5])
    make_bad(tmp_path / "bad.png")
    with pytest.raises(DataError) as caught:
        read(tmp_path)
    assert str(tmp_path / "bad.png") in caught.value.message
    assert reason in caught.value.message
    assert "max_bad_fraction" in (caught.value.hint or "")


def test_wrong_size_is_resized_when_asked(tmp_path: Path) -> None:
    Image.new("L", (40, 40), color=200).save(tmp_path / "big.png")
    found = read(tmp_path, resize=True)
    assert found.images.shape == (1, 28, 28, 1) and found.images.max() == 200


def test_mixed_channels_are_converted(tmp_path: Path, real_images) -> None:
    images, _ = real_images
    write_pngs(tmp_path, images[:3])
    Image.new("RGB", (28, 28), color=(255, 0, 0)).save(tmp_path / "rgb.png")
    Image.new("RGBA", (28, 28)).save(tmp_path / "rgba.png")
    gray = read(tmp_path)
    assert gray.images.shape == (5, 28, 28, 1) and gray.n_converted == 2
    rgb = read(tmp_path, channels=3)
    assert rgb.images.shape == (5, 28, 28, 3) and rgb.n_converted == 4


def test_empty_and_missing_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no images found"):
        read(tmp_path)
    with pytest.raises(DataError, match="image folder not found"):
        read(tmp_path / "missing")


def test_split_is_fixed_by_seed_and_disjoint() -> None:
    train, test = split_indices(100, 0.1, seed=3)
    again_train, again_test = split_indices(100, 0.1, seed=3)
    np.testing.assert_array_equal(test, again_test)
    np.testing.assert_array_equal(train, again_train)
    assert len(test) == 10 and not set(train) & set(test)
    assert not np.array_equal(split_indices(100, 0.1, seed=4)[1], test)


def test_unmakeable_resolution_is_rejected_by_the_schema() -> None:
    with pytest.raises(ValueError, match="cannot be generated"):
        DataConfig(dataset="image-folder", image_size=30)
    with pytest.raises(ValueError, match="1 or 3"):
        DataConfig(channels=2)


def test_prepare_records_skips_and_split(tmp_path: Path, project_root: Path, real_images) -> None:
    images, _ = real_images
    folder = tmp_path / "mine"
    write_pngs(folder, images[:40])
    (folder / "broken.png").write_bytes(b"")
    config = DataConfig(
        dataset="image-folder", path=str(folder), max_bad_fraction=0.1, test_fraction=0.25
    )
    summary = prepare_images(config, project_root, tmp_path / "prepared")
    assert (summary["n_train"], summary["n_test"]) == (30, 10)
    assert summary["files_skipped"] == 1 and summary["n_classes"] == 0
    assert summary["skipped"][0]["reason"] == "empty (zero-byte) file"


def test_config_error_is_a_config_error(project_root: Path) -> None:
    from ganops.config import load_config

    with pytest.raises(ConfigError, match=r"data\.image_size"):
        load_config(project_root / "params.yaml", {"data.image_size": 30})
