"""The stage graph is declared once and is consistent: every input is an earlier stage's
output, every stage is a CLI command, and a missing input names the stage to run."""

from __future__ import annotations

from pathlib import Path

import pytest

from ganops.config import Config
from ganops.errors import DataError
from ganops.paths import RunPaths
from ganops.stages import STAGES, stage_named


def test_every_input_is_written_by_an_earlier_stage() -> None:
    written: set[str] = set()
    for stage in STAGES:
        assert set(stage.reads) <= written, f"{stage.name} reads {set(stage.reads) - written}"
        written |= {output.name for output in stage.writes}


def test_every_name_is_a_run_path_and_every_section_a_config_section() -> None:
    paths = RunPaths(Path("out"))
    for stage in STAGES:
        for name in [*stage.reads, *(output.name for output in stage.writes)]:
            assert isinstance(getattr(paths, name), Path)
        assert set(stage.params) <= set(Config.model_fields)


def test_stage_code_exists(project_root: Path) -> None:
    for stage in STAGES:
        for code in stage.code:
            assert (project_root / "src" / "ganops" / code).exists(), code


def test_the_classifier_comes_before_train_on_every_path() -> None:
    names = [stage.name for stage in STAGES]
    assert names.index("classifier") < names.index("train")
    assert "classifier" in stage_named("train").reads


def test_a_missing_input_names_the_stage_that_writes_it(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path)
    paths.prepared.mkdir()
    with pytest.raises(DataError, match="`train` reads what `classifier` writes") as caught:
        stage_named("train")(Config(), paths, tmp_path)
    assert caught.value.hint == "run `ganops classifier` first (or `ganops pipeline`)"
