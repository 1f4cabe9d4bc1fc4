"""A class-conditional ResNet through the train stage: best generator kept, quick FID logged,
and the registered pyfunc samples the class asked for in its ``label`` column."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from ganops import stages
from ganops.runspec import RunSpec

pytestmark = pytest.mark.integration


def test_conditional_resnet_trains_and_serves_by_label(
    tmp_path: Path, mlflow_uri: str, project_root: Path, tiny_overrides: dict
) -> None:
    overrides = tiny_overrides | {
        "train.architecture": "resnet",
        "train.conditional": True,
        "train.latent_dim": 16,
        "train.quick_eval_samples": 128,
        "train.quick_eval_every_steps": 4,
        "train.best_min_kimg": 0,
        "train.precision": "float32",
    }
    config, paths, root = RunSpec(
        overrides=overrides, output_dir=str(tmp_path / "out"), project_root=str(project_root)
    ).load()
    stages.prepare(config, paths, root)
    stages.classifier(config, paths, root)
    summary = stages.train(config, paths, root)
    assert summary["best_step"] in (4, 8) and np.isfinite(summary["best_quality"])
    history = MlflowClient(mlflow_uri).get_metric_history(summary["run_id"], "quick_fid_domain")
    assert [m.step for m in history] == [4, 8]

    stages.evaluate(config, paths, root)
    registration = stages.register(config, paths, root)  # logs the model, then registers it
    version = f"models:/{registration['model_name']}/{registration['version']}"
    model = mlflow.pyfunc.load_model(version)
    table = pd.DataFrame({"seed": [1, 1, 2], "label": [0, 3, 3]})
    images = np.asarray(model.predict(table))
    assert images.shape == (3, 28, 28, 1)
    assert not np.allclose(images[0], images[1]), "the label changes the image"
    assert json.loads(paths.run_info.read_text())["best_step"] == summary["best_step"]
