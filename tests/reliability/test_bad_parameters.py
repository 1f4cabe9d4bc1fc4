"""Bad parameters, from params.yaml and from CLI overrides: a message naming the key and what
is allowed, exit status 2, no traceback, nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, subprocess_env

FIXTURE = ["--set", "data.path=tests/fixtures/fashion-mnist"]

CASES = {
    "wrong type": ("train.epochs=three", "train.epochs", "valid integer"),
    "negative rate": ("train.g_learning_rate=-0.1", "train.g_learning_rate", "greater than 0"),
    "zero rate": ("train.d_learning_rate=0", "train.d_learning_rate", "greater than 0"),
    "zero batch": ("train.batch_size=0", "train.batch_size", "greater than or equal to 1"),
    "negative size": ("train.latent_dim=-5", "train.latent_dim", "greater than or equal to 1"),
    "unknown loss": ("train.loss=wgan-typo", "train.loss", "non_saturating"),
    "unknown dataset": ("data.dataset=cifar", "data.dataset", "fashion-mnist"),
    "unmakeable resolution": ("data.image_size=30", "data.image_size", "(28, 32, 64)"),
    "typo in key": ("train.learning_rate=0.1", "train.learning_rate", "unknown key"),
    "typo in section": ("trian.epochs=3", "trian", "unknown key"),
    "unknown gate metric": ("register.metric=fid", "register.metric", "fid_domain"),
    "batch larger than data": ("train.batch_size=1024", "train.batch_size", "larger than"),
    "unknown architecture": ("train.architecture=stylegan", "train.architecture", "'resnet'"),
    "unknown optimizer": ("train.optimizer=lion", "train.optimizer", "'sgd'"),
    "unknown augmentation": ("train.diffaugment=translation,flip", "train.diffaugment", "cutout"),
    "zero d_steps": ("train.d_steps=0", "train.d_steps", "greater than or equal to 1"),
    "unknown strategy": ("train.strategy=tpu", "train.strategy", "'mirrored'"),
}


def ganops(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ganops.cli", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=300,
    )


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_cli_override_is_refused_before_work(case: str, tmp_path: Path) -> None:
    override, key, allowed = CASES[case]
    out = tmp_path / "out"
    if case == "batch larger than data":  # known only once the data is read
        for stage in ("prepare", "classifier"):
            assert ganops(stage, "--out", str(out), *FIXTURE).returncode == 0
    before = sorted(out.rglob("*")) if out.exists() else []
    result = ganops("train", "--out", str(out), *FIXTURE, "--set", override)
    assert result.returncode == 2
    assert key in result.stderr and allowed in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    after = sorted(out.rglob("*")) if out.exists() else []
    assert after == before, "nothing was written"


def test_params_yaml_errors_are_named_too(tmp_path: Path) -> None:
    params = yaml.safe_load((PROJECT_ROOT / "params.yaml").read_text())
    params["train"]["los"] = "hinge"
    params["evaluate"]["n_samples"] = -1
    bad = tmp_path / "params.yaml"
    bad.write_text(yaml.safe_dump(params))
    result = ganops("params", "--params", str(bad))
    assert result.returncode == 2
    assert "train.los: unknown key" in result.stderr
    assert "evaluate.n_samples: Input should be greater than or equal to 2" in result.stderr
    assert "Traceback" not in result.stderr


# The same checks from the Prefect run form, against a real server and served deployment.
FORM_CASES = {
    "negative epochs": ({"train": {"epochs": -1}}, "epochs"),
    "unknown loss": ({"train": {"loss": "wgan-typo"}}, "wgan-typo"),
    "unmakeable resolution": ({"data": {"image_size": 30}}, "image_size"),
    "typo in key": ({"train": {"learning_rate": 0.1}}, "learning_rate"),
}


@pytest.mark.integration
def test_prefect_form_refuses_bad_values_before_any_task_runs(
    served_deployments: dict[str, str], tiny_overrides: dict
) -> None:
    from tests.integration.test_prefect_deployment import trigger_runs

    output_root = "runs/test-bad-parameters"
    runs = [{**form, "output_root": output_root} for form, _ in FORM_CASES.values()]
    # Valid for the form, wrong for the config as a whole (known once sections are merged),
    # and a stage that fails on its input: both named, the second by its stage.
    runs.append(
        {"train": {"batch_size": 128}, "data": {"limit_train": 64}, "output_root": output_root}
    )
    missing = {**tiny_overrides, "data.path": "data/missing"}
    runs.append({"overrides": missing, "output_root": output_root})
    try:
        outcomes = trigger_runs(served_deployments, runs, timeout=600)
    finally:
        shutil.rmtree(PROJECT_ROOT / output_root, ignore_errors=True)
    *refused, cross_field, bad_stage = outcomes
    for (case, (_, named)), outcome in zip(FORM_CASES.items(), refused, strict=True):
        assert "refused" in outcome, f"{case}: a run was created: {outcome}"
        assert named in outcome["refused"], outcome
    assert cross_field["state"] == "FAILED", cross_field
    assert "larger than data.limit_train" in cross_field["message"], cross_field
    assert cross_field["task_runs"] == []
    assert "failed at stage `parameters`" in cross_field["artifacts"]["failure"]
    assert bad_stage["state"] == "FAILED", bad_stage
    assert bad_stage["message"].startswith("stage prepare failed: "), bad_stage
    assert bad_stage["task_runs"] == ["prepare"]
    assert "failed at stage `prepare`" in bad_stage["artifacts"]["failure"]
