from __future__ import annotations

import subprocess
import sys

from tests.conftest import PROJECT_ROOT, subprocess_env


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ganops.cli", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )


def test_params_prints_resolved_values() -> None:
    result = run_cli("params", "--set", "train.epochs=7")
    assert result.returncode == 0, result.stderr
    assert '"epochs": 7' in result.stdout


def test_bad_parameter_exits_2_without_traceback() -> None:
    result = run_cli("train", "--set", "train.loss=nope", "--out", "/nonexistent-never-written")
    assert result.returncode == 2
    assert "train.loss" in result.stderr and "non_saturating" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_verbose() -> None:
    from ganops import __version__

    assert run_cli("--version").stdout.strip() == f"ganops {__version__}"
    assert run_cli("-v", "params").returncode == 0


def test_the_stage_commands_are_the_stage_graph() -> None:
    from ganops.stages import STAGES

    help_text = run_cli("--help").stdout
    for stage in STAGES:
        assert stage.name in help_text


def test_summary_reads_the_stage_results_or_says_to_run_the_pipeline(tmp_path) -> None:
    result = run_cli("summary", "--out", str(tmp_path))
    assert result.returncode == 2 and "no stage results" in result.stderr
    assert "hint: run the pipeline first" in result.stderr
    (tmp_path / "metrics.json").write_text('{"jsd_4": 0.25, "jsd_4_floor": 0.2}')
    result = run_cli("summary", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split() == ["jsd_4", "0.25", "0.2"]


def test_promote_says_which_version_it_needs(tmp_path) -> None:
    result = run_cli("promote", "--out", str(tmp_path))
    assert result.returncode == 2 and "nothing registered" in result.stderr
    assert "ganops promote MODEL VERSION" in result.stderr
    result = run_cli("promote", "ganops-fashion-mnist")
    assert result.returncode == 2 and "which version of ganops-fashion-mnist" in result.stderr
    # A model judged by another pipeline's gate settings is refused, naming the key.
    result = run_cli("promote", "ganops-fortunes", "1", "--out", str(tmp_path))
    assert result.returncode == 2 and "register.model_name" in result.stderr
    assert "--params params-text.yaml" in result.stderr


def test_dvc_yaml_of_each_pipeline() -> None:
    assert run_cli("stages", "--dvc-yaml").stdout.startswith("# Generated")
    text = run_cli("stages", "--dvc-yaml", "text")
    assert "--params params-text.yaml --out artifacts/text" in text.stdout
    wrong = run_cli("stages", "--dvc-yaml", "audio")
    assert wrong.returncode == 2 and "'image', 'text'" in wrong.stderr


def test_typo_in_key_is_named() -> None:
    result = run_cli("params", "--set", "train.epoch=3")
    assert result.returncode == 2
    assert "train.epoch: unknown key" in result.stderr


def test_unreachable_tracking_server_is_a_clear_error_before_training(tmp_path) -> None:
    from tests.conftest import free_port

    common = ["--out", str(tmp_path), "--set", "data.path=tests/fixtures/fashion-mnist"]
    assert run_cli("prepare", *common).returncode == 0
    assert run_cli("classifier", *common).returncode == 0
    env = subprocess_env(MLFLOW_TRACKING_URI=f"http://127.0.0.1:{free_port()}")
    result = subprocess.run(
        [sys.executable, "-m", "ganops.cli", "train", *common],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "tracking server at http://127.0.0.1" in result.stderr
    assert "not reachable" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "model").exists(), "nothing trained, nothing written"
