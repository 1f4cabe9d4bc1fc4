from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganops.data.image_folder import UNLABELLED, read_image_folder
from ganops.errors import DataError
from tests.unit.data.helpers import write_pngs


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
