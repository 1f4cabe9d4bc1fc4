"""The text pipeline for real, as dvc.yaml runs it (one process per stage): char-level
WGAN-GP training on the shared trainer, text metrics, registration, then sampling text from
the registry by CLI and by plain MLflow."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from ganops.stages import STAGES
from tests.conftest import subprocess_env
from tests.integration.test_pipeline_cli import ganops, overrides_args

pytestmark = pytest.mark.integration
MODEL = "ganops-fortunes"
# The language GAN at a tiny size: 140 maximum-likelihood steps, 20 of the critic alone, 40
# adversarial; a snapshot every 100 steps; two temperatures in the sweep.
TEXT_TINY = {
    "data.path": "tests/fixtures/fortunes",
    "train.max_seconds": 0,
    "train.max_steps": 200,
    "train.batch_size": 32,
    "train.log_every_steps": 10,
    "train.grid_size": 4,
    "train.snapshot_kimg": 3.2,
    "text.hidden": 64,
    "text.critic_warmup_steps": 20,
    "text.temperatures": [0.8, 1.0],
    "evaluate.n_samples": 200,
    "evaluate.batch_size": 100,
}


def test_text_stages_register_and_sample_text(tmp_path: Path, mlflow_uri: str) -> None:
    env = subprocess_env()
    out = tmp_path / "artifacts"
    args = ["--params", "params-text.yaml", *overrides_args(TEXT_TINY), "--out", str(out)]
    for stage in STAGES:
        result = ganops(stage.name, *args, env=env)
    assert "quality gate:" in result.stderr and "champion" in result.stderr

    snapshots = sorted((out / "samples").glob("epoch_*.txt"))
    assert len(snapshots) == 2  # every 100 steps, and the end
    assert len(snapshots[-1].read_text("utf-8").splitlines()) == 16  # grid_size ** 2, decoded
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_generated"] == 200 and metrics["n_test"] == 83
    for name in ("jsd_1", "jsd_4", "bleu_2", "bleu_4", "self_bleu_2", "self_bleu_4"):
        assert 0.0 <= metrics[name] <= 1.0 and 0.0 <= metrics[f"{name}_floor"] <= 1.0
    # 200 steps cannot write like people yet: farther from held-out than real text.
    assert metrics["jsd_2"] > metrics["jsd_2_floor"]
    # The quality-diversity sweep, the temperature chosen from it, the held-out likelihood.
    assert set(metrics["sweep"]) == {"0.8", "1"} and metrics["temperature"] in (0.8, 1.0)
    assert 0 < metrics["nll_per_char"] < 5

    client = MlflowClient(mlflow_uri, mlflow_uri)
    registration = json.loads((out / "registration.json").read_text())
    assert registration["metric"] == "jsd_4" and registration["promoted"] is True
    run = client.get_run(registration["run_id"])
    assert run.data.params["data.dataset"] == "fortunes"
    assert {"d_loss", "g_loss", "jsd_4", "bleu_4", "quick_jsd_4"} <= set(run.data.metrics)
    logged = {a.path for a in client.list_artifacts(run.info.run_id, "evaluation")}
    assert {"evaluation/samples.txt", "evaluation/quality_diversity.png"} <= logged
    assert f"samples/{snapshots[-1].name}" in {
        a.path for a in client.list_artifacts(run.info.run_id, "samples")
    }
    assert run.data.tags["ganops.temperature"] == f"{metrics['temperature']:g}"

    printed = ganops("sample", f"models:/{MODEL}@champion", "-n", "20", env=env)
    lines = printed.stdout.splitlines()
    assert len(lines) == 20 and all(len(line) <= 32 for line in lines)

    # Any MLflow client: seeds in, strings out, the same string for the same seed.
    model = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
    texts = model.predict(pd.DataFrame({"seed": [0, 1, 2]}))
    assert list(texts.columns) == ["text"] and texts["text"].tolist() == lines[:3]
