"""A full disk or a read-only output folder: a clear error, exit 2, nothing half-written.

Uses real file systems: a tiny tmpfs (needs root to mount, as in CI and the dev machines).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root"),
]


@pytest.fixture
def small_mount(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "mount"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def prepare_into(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            venv_bin("ganops"),
            "prepare",
            "--out",
            str(out),
            "--set",
            "data.path=tests/fixtures/fashion-mnist",
        ],
        cwd=PROJECT_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_disk_full_is_a_clear_error_and_leaves_no_partial_output(small_mount: Path) -> None:
    result = prepare_into(small_mount / "artifacts")
    assert result.returncode == 2, result.stderr
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    prepared = small_mount / "artifacts" / "prepared"
    leftovers = sorted(p.name for p in prepared.iterdir()) if prepared.exists() else []
    # train.npz (400 kB) cannot fit: neither it nor a temporary file nor the summary remain.
    assert leftovers == [], leftovers


def test_read_only_output_folder_is_a_clear_error(small_mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    result = prepare_into(small_mount / "artifacts")
    assert result.returncode == 2, result.stderr
    assert "Read-only file system" in result.stderr and str(small_mount) in result.stderr
    assert "Traceback" not in result.stderr
