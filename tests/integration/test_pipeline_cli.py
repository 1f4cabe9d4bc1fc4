"""The CLI pipeline for real: TensorFlow training, a sqlite MLflow store and its registry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mlflow
import pytest
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from ganops.stages import STAGES
from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration
MODEL = "ganops-fashion-mnist"


def ganops(*args: str, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [venv_bin("ganops"), *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def overrides_args(overrides: dict) -> list[str]:
    return [arg for key, value in overrides.items() for arg in ("--set", f"{key}={value}")]


def test_stages_register_and_sample_in_new_processes(
    tmp_path: Path, mlflow_uri: str, tiny_overrides: dict
) -> None:
    # System metrics every 0.2 s: the tiny training lasts seconds, not the default's minutes.
    env = subprocess_env(MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL="0.2")
    out = tmp_path / "artifacts"
    args = [*overrides_args(tiny_overrides), "--out", str(out)]
    # One process per stage, as dvc.yaml runs them.
    results = {stage.name: ganops(stage.name, *args, env=env) for stage in STAGES}
    # Eight steps make an untrained generator: the gate's sanity check keeps it from being
    # champion even as the first version, and says why.
    refusal = (
        "quality gate: ganops-fashion-mnist v1 -> candidate only: refused by the sanity "
        "check: the samples are nearly all alike"
    )
    assert refusal in results["register"].stderr
    # No error-looking lines from TensorFlow's C++ side on the default path.
    for stage in STAGES:
        stderr = results[stage.name].stderr
        assert "E0000" not in stderr and "absl::InitializeLog" not in stderr, stage.name
    # The trainer's per-epoch line reaches a person outside Prefect (the CLI's logging).
    assert "epoch 1/1 done: step 8" in results["train"].stderr
    assert "system metrics" not in results["train"].stderr.lower()  # routine: not shown

    assert (out / "model" / "generator.keras").is_file()
    assert (out / "samples" / "epoch_001.png").is_file()
    losses = (out / "losses.tsv").read_text().splitlines()
    assert losses[0].split("\t") == ["step", "epoch", "d_loss", "g_loss"] and len(losses) == 9
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["fid_pixels"] > metrics["fid_pixels_floor"] >= 0
    assert metrics["n_fake"] == 256 and metrics["n_real"] == 256
    # Domain metrics in the classifier's feature space, each beside its real-vs-real floor.
    assert metrics["feature_space_domain"].startswith("domain classifier")
    assert metrics["fid_domain"] > metrics["fid_domain_floor"] >= 0
    assert metrics["precision_domain_floor"] > 0.5 and metrics["recall_domain_floor"] > 0.5
    for name in ("kid_domain", "precision_domain", "recall_domain", "class_entropy"):
        assert isinstance(metrics[name], float) and isinstance(metrics[f"{name}_floor"], float)
    assert 1 <= metrics["classes_seen"] <= 10 and metrics["classifier_score"] >= 1
    for picture in ("samples.png", "interpolation.png"):
        assert (out / "evaluation" / picture).read_bytes()[:4] == b"\x89PNG"

    client = MlflowClient(mlflow_uri, mlflow_uri)
    registration = json.loads((out / "registration.json").read_text())
    run = client.get_run(registration["run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.params["train.epochs"] == "1"
    assert {"d_loss", "g_loss", "fid_pixels", "fid_domain"} <= set(run.data.metrics)
    assert run.data.tags["ganops.gate_promoted"] == "false"
    assert registration["metric"] == "fid_domain"
    assert run.data.tags["ganops.data_md5"].endswith(".dir")
    assert len(client.get_metric_history(run.info.run_id, "d_loss")) == 8
    # CPU and memory during training, and the tags MLflow's UI shows as source, user, commit.
    assert {"system/cpu_utilization_percentage", "system/system_memory_usage_megabytes"} <= set(
        run.data.metrics
    )
    assert run.data.tags["mlflow.source.type"] == "LOCAL" and run.data.tags["mlflow.user"]
    assert len(run.data.tags["mlflow.source.git.commit"]) == 40
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "samples")}
    assert "samples/epoch_001.png" in artifacts
    # ... and as an image at its step, for the MLflow UI's step slider.
    images = [a.path for a in client.list_artifacts(run.info.run_id, "images")]
    assert any(path.startswith("images/samples+step+8+") for path in images), images
    pictures = {a.path for a in client.list_artifacts(run.info.run_id, "evaluation")}
    assert {"evaluation/samples.png", "evaluation/interpolation.png"} <= pictures
    assert registration["promoted"] is False and registration["champion_before"] is None
    candidate = client.get_model_version_by_alias(MODEL, "candidate")
    assert str(candidate.version) == "1"
    # The model card on the version's page: its gate metric beside the floor, how to sample.
    assert f"`fid_domain` = {metrics['fid_domain']:.4g}" in candidate.description
    assert f"{metrics['fid_domain_floor']:.4g}" in candidate.description
    assert f"ganops sample models:/{MODEL}/1" in candidate.description
    assert client.get_registered_model(MODEL).description.startswith("Image generators")
    # The evaluation on the logged model, which the version's page shows.
    model_id = mlflow.models.get_model_info(f"models:/{MODEL}/1").model_id
    logged_model = client.get_logged_model(model_id)
    linked = json.loads(logged_model.tags["mlflow.modelVersions"])  # the version page's link
    assert [(link["name"], str(link["version"])) for link in linked] == [(MODEL, "1")]
    model_metrics = {m.key: m.value for m in logged_model.metrics}
    assert model_metrics["fid_domain"] == pytest.approx(metrics["fid_domain"])
    assert model_metrics["fid_domain_floor"] == pytest.approx(metrics["fid_domain_floor"])
    with pytest.raises(MlflowException):
        client.get_model_version_by_alias(MODEL, "champion")

    # A new process pulls the version by alias and samples it, via the CLI ...
    grid = tmp_path / "grid.png"
    ganops("sample", f"models:/{MODEL}@candidate", "-n", "16", "-o", str(grid), env=env)
    assert grid.read_bytes()[:4] == b"\x89PNG"
    # ... and via plain MLflow, with seeds as input; the same seed gives the same image.
    script = (
        "import mlflow, pandas as pd, numpy as np\n"
        f"m = mlflow.pyfunc.load_model('models:/{MODEL}@candidate')\n"
        "a = m.predict(pd.DataFrame({'seed': [1, 2, 3]}))\n"
        "b = m.predict(pd.DataFrame({'seed': [3]}))\n"
        "assert a.shape == (3, 28, 28, 1) and 0 <= a.min() and a.max() <= 1\n"
        "assert np.allclose(a[2], b[0], atol=1e-5)\n"
        "print('ok')\n"
    )
    check = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert check.stdout.strip().endswith("ok"), check.stderr[-3000:]


def test_sane_versions_go_through_the_quality_gate(
    tmp_path: Path, mlflow_uri: str, sane_overrides: dict
) -> None:
    env = subprocess_env()
    decisions = []
    for index, steps in enumerate((sane_overrides["train.max_steps"], 240)):
        out = tmp_path / f"run{index}"
        overrides = {**sane_overrides, "train.max_steps": steps, "register.margin": 0.0}
        ganops("pipeline", *overrides_args(overrides), "--out", str(out), env=env)
        decisions.append(json.loads((out / "registration.json").read_text()))
    first, second = decisions
    assert (first["version"], second["version"]) == ("1", "2")
    assert first["promoted"] and first["reason"] == "first version of this model"
    client = MlflowClient(mlflow_uri, mlflow_uri)
    assert str(client.get_model_version_by_alias(MODEL, "candidate").version) == "2"
    expected_champion = "2" if second["value"] < first["value"] else "1"
    assert second["promoted"] == (expected_champion == "2")
    assert str(client.get_model_version_by_alias(MODEL, "champion").version) == expected_champion
    tags = client.get_model_version(MODEL, "2").tags
    assert float(tags["ganops.champion_value_at_registration"]) == pytest.approx(first["value"])
    assert "champion v1" in second["reason"]
