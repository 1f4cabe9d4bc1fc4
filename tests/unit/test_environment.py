"""The environment every entry point shares: state inside the project, quiet start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def test_tensorflow_imports_without_its_startup_banners() -> None:
    code = (
        "import sys; from ganops.environment import configure, import_tensorflow_quietly; "
        "configure(); import_tensorflow_quietly(); import tensorflow as tf; "
        "print(tf.constant(2.0) * 2, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT / "src"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "absl::InitializeLog" not in result.stderr
    assert "oneDNN custom operations" not in result.stderr
    assert "tf.Tensor(4.0" in result.stderr  # later output still reaches stderr


def test_tool_state_stays_inside_the_project(tmp_path: Path, monkeypatch) -> None:
    from ganops.environment import configure

    (tmp_path / "params.yaml").write_text("{}")
    for key in ("PREFECT_HOME", "KERAS_HOME", "MPLCONFIGDIR", "GANOPS_CACHE_DIR"):
        monkeypatch.delenv(key, raising=False)
    root = configure(tmp_path)
    import os

    assert root == tmp_path.resolve()
    for key in ("PREFECT_HOME", "KERAS_HOME", "MPLCONFIGDIR", "GANOPS_CACHE_DIR"):
        assert Path(os.environ[key]).is_relative_to(tmp_path.resolve() / ".ganops"), key


def test_every_cache_follows_one_chosen_folder(tmp_path: Path, monkeypatch) -> None:
    """Classifier, evaluation and precision caches all live under GANOPS_CACHE_DIR when set
    (checkouts that share it share their classifiers), else in the project's .ganops/cache."""
    from ganops.evaluation.feature_cache import cache_dir
    from ganops.training.precision import _cache_file

    project = tmp_path / "project"
    project.mkdir()
    (project / "params.yaml").write_text("{}")
    monkeypatch.delenv("GANOPS_CACHE_DIR", raising=False)
    assert cache_dir(project, "classifier") == project.resolve() / ".ganops/cache/classifier"

    shared = tmp_path / "shared-cache"
    monkeypatch.setenv("GANOPS_CACHE_DIR", str(shared))
    assert cache_dir(project, "classifier") == shared / "classifier"
    assert cache_dir(project, "evaluation") == shared / "evaluation"
    assert _cache_file("machine").parent == shared / "precision"


def test_one_tensorflow_distribution_is_installed() -> None:
    """`tensorflow-cpu` and `tensorflow` are one package under two names: an environment that
    got both (the `gpu` extra on top of the default) holds whichever unpacked last."""
    from importlib.metadata import PackageNotFoundError, distribution

    installed = []
    for name in ("tensorflow-cpu", "tensorflow", "tensorflow-gpu", "tf-nightly"):
        try:
            distribution(name)
            installed.append(name)
        except PackageNotFoundError:
            pass
    assert len(installed) == 1, installed
