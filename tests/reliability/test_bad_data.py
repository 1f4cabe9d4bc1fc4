"""Bad data files through the CLI: the file is named, exit 2, no traceback, no prepared data
left that a later stage could mistake for valid."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import FIXTURES, PROJECT_ROOT, subprocess_env

IDX = "train-images-idx3-ubyte.gz"


def corrupt_truncated(folder: Path) -> Path:
    path = folder / IDX
    path.write_bytes(path.read_bytes()[:5000])
    return path


def corrupt_garbage(folder: Path) -> Path:
    path = folder / IDX
    path.write_bytes(b"\x00" * 4096)
    return path


def corrupt_short_payload(folder: Path) -> Path:
    path = folder / IDX
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-784]))
    return path


def corrupt_magic(folder: Path) -> Path:
    path = folder / IDX
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[2] = 0x0D  # float data, not unsigned bytes
    path.write_bytes(gzip.compress(bytes(raw)))
    return path


def corrupt_missing(folder: Path) -> Path:
    path = folder / IDX
    path.unlink()
    return path


def prepare(data_path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ganops.cli",
            "prepare",
            "--out",
            str(out),
            "--set",
            f"data.path={data_path}",
            *extra,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )


@pytest.mark.parametrize(
    ("corrupt", "expected"),
    [
        (corrupt_truncated, "not a complete gzip file"),
        (corrupt_garbage, "not a complete gzip file"),
        (corrupt_short_payload, "header promises"),
        (corrupt_magic, "bad magic number 00000d03"),
        (corrupt_missing, "file not found"),
    ],
)
def test_corrupt_idx_files_are_named(tmp_path: Path, corrupt, expected: str) -> None:
    folder = tmp_path / "fashion"
    shutil.copytree(FIXTURES / "fashion-mnist", folder)
    broken = corrupt(folder)
    result = prepare(folder, tmp_path / "out")
    assert result.returncode == 2
    assert str(broken) in result.stderr and expected in result.stderr
    assert "\nhint: " in result.stderr, "every refusal says what to do"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "prepared" / "summary.json").exists()


def test_image_folder_problems_through_the_cli(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    result = prepare(folder, tmp_path / "out", "--set", "data.dataset=image-folder")
    assert result.returncode == 2 and "no images found" in result.stderr

    for index in range(3):
        Image.new("L", (28, 28), color=index * 50).save(folder / f"{index}.png")
    (folder / "empty.png").write_bytes(b"")
    (folder / "big.png").write_bytes(b"")
    Image.new("L", (64, 64)).save(folder / "big.png")
    result = prepare(folder, tmp_path / "out", "--set", "data.dataset=image-folder")
    assert result.returncode == 2
    assert "2 of 5 images are unusable" in result.stderr
    assert str(folder / "empty.png") in result.stderr and "is 64x64" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "prepared" / "summary.json").exists()

    tolerant = prepare(
        folder,
        tmp_path / "out",
        "--set",
        "data.dataset=image-folder",
        "--set",
        "data.max_bad_fraction=0.5",
    )
    assert tolerant.returncode == 0, tolerant.stderr
    assert '"files_skipped": 2' in tolerant.stdout
    # Skipped files are summarised on the terminal too, with where the list is.
    assert f"skipped 2 of 5 image files in {folder}" in tolerant.stderr
    assert "the list is in prepared/summary.json" in tolerant.stderr


TEXT_FILE = ("--params", "params-text.yaml", "--set", "data.dataset=text-file")


@pytest.mark.parametrize(
    ("content", "extra", "expected"),
    [
        (b"", (), "no text samples in this file"),
        ("caf\u00e9 au lait\n".encode("latin-1"), (), "not UTF-8 text (byte 3"),
        (
            b"short\n" + b"x" * 40 + b"\nfine\n",
            ("--set", "text.too_long=skip"),
            "1 of 3 text samples are longer than 32",
        ),
    ],
    ids=["empty", "not-utf8", "too-long"],
)
def test_bad_text_files_are_named(tmp_path: Path, content: bytes, extra, expected: str) -> None:
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    result = prepare(path, tmp_path / "out", *TEXT_FILE, *extra)
    assert result.returncode == 2
    assert str(path) in result.stderr and expected in result.stderr
    assert "\nhint: " in result.stderr, "every refusal says what to do"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "prepared" / "summary.json").exists()


def test_one_long_line_is_refused_in_the_words_of_text(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("word " * 20_000)  # 100,000 characters, no newline
    result = prepare(path, tmp_path / "out", *TEXT_FILE)
    assert result.returncode == 2
    assert f"need at least 2 usable text samples in {path}" in result.stderr
    assert "images" not in result.stderr
    assert "hint: a text file holds one sample per line" in result.stderr


def test_mostly_cut_lines_get_advice_at_prepare_time(tmp_path: Path) -> None:
    path = tmp_path / "prose.txt"
    path.write_text("".join(f"{'a long line of prose ' * (3 + i % 5)}{i}\n" for i in range(200)))
    result = prepare(path, tmp_path / "out", *TEXT_FILE)
    assert result.returncode == 0, result.stderr
    assert (
        "200 of 200 text samples" in result.stderr
        and "were cut to text.max_length 32" in result.stderr
    )
    assert "Set text.max_length: " in result.stderr and "text.too_long: skip" in result.stderr
    assert json.loads(result.stdout)["share_truncated"] == 1.0


def test_too_long_text_is_skipped_and_counted_below_the_threshold(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("".join(f"line {i}\n" for i in range(20)) + "y" * 50 + "\n")
    result = prepare(
        path,
        tmp_path / "out",
        *TEXT_FILE,
        "--set",
        "text.too_long=skip",
        "--set",
        "data.max_bad_fraction=0.1",
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["samples_skipped"] == 1 and summary["n_train"] + summary["n_test"] == 20
    assert summary["skipped"] == [f"{path}:21"]
