"""Atomic outputs: all or nothing, with the usual permission bits."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ganops.paths import UMASK, atomic_path, inside, write_text_atomic


def test_written_files_get_the_usual_permission_bits(tmp_path: Path) -> None:
    target = tmp_path / "metrics.json"
    write_text_atomic(target, "{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~UMASK
    assert os.umask(UMASK) == UMASK  # the module read the real umask


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_paths_from_a_form_cannot_escape_the_project(tmp_path: Path) -> None:
    from ganops.errors import ConfigError

    assert inside(tmp_path, "runs", "output_root") == (tmp_path / "runs").resolve()
    for bad in ("/etc", "../elsewhere", "runs/../../x"):
        with pytest.raises(ConfigError, match="outside the project"):
            inside(tmp_path, bad, "output_root")
