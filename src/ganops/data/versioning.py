"""DVC around the raw data: fetch it from the remote, or import it and pin it in ``data.dvc``.

DVC is called as a subprocess with ``cwd`` at the project root: its Python API resolves paths
against the process's working directory, and the CLI is what users type too.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ganops.data.sources import import_raw_data
from ganops.errors import EnvironmentSetupError


def dvc(project_root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(["dvc", *args], cwd=project_root, capture_output=True, text=True)
    except FileNotFoundError:
        raise EnvironmentSetupError(
            "the `dvc` command is not on PATH", hint="activate the project's .venv"
        ) from None
    if check and result.returncode != 0:
        raise EnvironmentSetupError(
            f"`dvc {' '.join(args)}` failed:\n{result.stdout}{result.stderr}".strip()
        )
    return result


def data_is_current(project_root: Path) -> bool:
    """True when ``data/`` matches what ``data.dvc`` pins: ``dvc status --json`` reports
    nothing for it (its human text is for people and changes between DVC versions)."""
    status = dvc(project_root, "status", "--json", "data.dvc", check=False)
    if status.returncode != 0:
        return False
    try:
        return json.loads(status.stdout or "{}") == {}
    except json.JSONDecodeError:
        return False


def ensure_data(project_root: Path) -> str:
    """Make ``data/`` match ``data.dvc``; returns what was done (for the user)."""
    data_dir = project_root / "data"
    pinned = (project_root / "data.dvc").is_file()
    if pinned and data_dir.is_dir() and data_is_current(project_root):
        dvc(project_root, "push", "data.dvc", check=False)
        return "data/ already matches data.dvc"
    if (
        pinned
        and dvc(project_root, "pull", "data.dvc", check=False).returncode == 0
        and (data_is_current(project_root))
    ):
        return "pulled data/ from the DVC remote"
    # Nothing to pull (a fresh remote): copy the packaged files byte-identical and pin them.
    import_raw_data(data_dir)
    dvc(project_root, "add", "data")
    dvc(project_root, "push", "data.dvc")
    return "imported data/ from the system packages, pinned it in data.dvc and pushed it"
