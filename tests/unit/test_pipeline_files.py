"""dvc.yaml is rendered from the stage graph and the committed file is current."""

from __future__ import annotations

from pathlib import Path

import yaml

from ganops.pipeline_files import dvc_yaml, stage_table
from ganops.stages import STAGES


def test_committed_dvc_yaml_is_current(project_root: Path) -> None:
    committed = (project_root / "dvc.yaml").read_text()
    assert committed == dvc_yaml(), "dvc.yaml is stale: run `ganops stages --dvc-yaml > dvc.yaml`"


def test_each_dvc_stage_runs_its_cli_command_and_depends_on_its_code() -> None:
    stages = yaml.safe_load(dvc_yaml())["stages"]
    assert list(stages) == [stage.name for stage in STAGES]
    train = stages["train"]
    assert train["cmd"].startswith("ganops train ")
    assert "src/ganops/train_stage.py" in train["deps"]
    assert "src/ganops/config.py" in train["deps"]
    assert "${pipeline.out}/classifier" in train["deps"]
    persisted = next(out for out in train["outs"] if isinstance(out, dict))
    assert persisted == {"${pipeline.out}/train_state": {"persist": True, "cache": False}}


def test_the_table_lists_every_stage() -> None:
    table = stage_table()
    assert all(f"| `{stage.name}` |" in table for stage in STAGES)
