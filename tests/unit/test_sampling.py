"""The pull's own requirement check (MLflow's scans every installed package: seconds)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from ganops.sampling import requirement_mismatches


def test_requirement_mismatches_names_only_unsatisfied_pins(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        f"mlflow=={version('mlflow')}\n"
        "numpy==0.0.1\n"
        "surely-not-installed-ganops-package==1.0\n"
        "pandas>=0 ; python_version < '3'\n"  # marker false here: skipped
        "-r other.txt\n"
    )
    found = requirement_mismatches(requirements)
    assert found == [
        f"numpy==0.0.1 (installed: {version('numpy')})",
        "surely-not-installed-ganops-package==1.0 (installed: none)",
    ]
    assert requirement_mismatches(tmp_path / "missing.txt") == []
