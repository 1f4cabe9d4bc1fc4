"""Each pipeline's dvc.yaml is rendered from the stage graph and the committed files are current."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ganops.pipeline_files import PIPELINES, Pipeline, dvc_yaml, pipeline_named, stage_table
from ganops.stages import STAGES


@pytest.mark.parametrize("pipeline", PIPELINES, ids=lambda p: p.name)
def test_committed_dvc_yaml_is_current(project_root: Path, pipeline: Pipeline) -> None:
    committed = (project_root / pipeline.dvc_file).read_text()
    assert committed == dvc_yaml(pipeline.name), (
        f"{pipeline.dvc_file} is stale: run "
        f"`ganops stages --dvc-yaml {pipeline.name} > {pipeline.dvc_file}`"
    )


def test_the_image_pipeline_is_the_projects_dvc_yaml() -> None:
    # Plain `dvc repro` (and `make run`) reproduces it: no variables to override.
    image = pipeline_named("image")
    assert image.dvc_file == "dvc.yaml" and image.reproduce() == "dvc repro"
    document = yaml.safe_load(dvc_yaml("image"))
    assert "vars" not in document  # DVC reads params.yaml for `${data.path}` by default
    stages = document["stages"]
    assert list(stages) == [stage.name for stage in STAGES]
    train = stages["train"]
    assert train["cmd"] == "ganops train --params params.yaml --out artifacts"
    assert "wdir" not in train
    assert "src/ganops/train_stage.py" in train["deps"]
    assert "src/ganops/config.py" in train["deps"]
    assert "artifacts/classifier" in train["deps"]
    persisted = next(out for out in train["outs"] if isinstance(out, dict))
    assert persisted == {"artifacts/train_state": {"persist": True, "cache": False}}
    assert stages["prepare"]["deps"][0] == "${data.path}"


def test_the_text_pipeline_runs_the_same_stages_from_the_project_root() -> None:
    text = pipeline_named("text")
    document = yaml.safe_load(dvc_yaml("text"))
    assert document["vars"] == ["../../params-text.yaml"]  # relative to pipelines/text/
    stages = document["stages"]
    assert list(stages) == [stage.name for stage in STAGES]
    for name, stage in stages.items():
        assert stage["wdir"] == "../.."
        assert stage["cmd"] == f"ganops {name} --params params-text.yaml --out artifacts/text"
        assert list(stage["params"][0]) == ["params-text.yaml"]
    assert text.reproduce() == "dvc repro pipelines/text/dvc.yaml"
    # Top-level plots are relative to the dvc.yaml's folder, not to the stages' wdir.
    curves = document["plots"][0]["text-losses"]
    assert list(curves["y"]) == ["../../artifacts/text/losses.tsv"]


def test_only_the_default_pipeline_caches_its_outputs() -> None:
    # `dvc checkout` / `dvc exp apply` fail on a cached output with no hash in a dvc.lock:
    # every output of a pipeline that never ran. A project that only trains images must
    # still apply its experiments (tests/integration/test_examples_dvc.py does).
    def outputs(name: str) -> list:
        stages = yaml.safe_load(dvc_yaml(name))["stages"].values()
        return [
            out
            for stage in stages
            for kind in ("outs", "metrics", "plots")
            for out in stage.get(kind, [])
        ]

    assert any(isinstance(out, str) for out in outputs("image"))  # cached
    for out in outputs("text"):
        assert isinstance(out, dict) and next(iter(out.values()))["cache"] is False, out


def test_the_table_lists_every_stage() -> None:
    table = stage_table()
    assert all(f"| `{stage.name}` |" in table for stage in STAGES)
