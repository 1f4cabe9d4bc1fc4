from __future__ import annotations

from pathlib import Path

from ganops.config import Config
from ganops.params_doc import parameters_markdown


def test_committed_parameter_reference_is_current(project_root: Path) -> None:
    committed = (project_root / "docs" / "parameters.md").read_text()
    assert committed == parameters_markdown(), (
        "docs/parameters.md is stale: run `ganops params --markdown > docs/parameters.md`"
    )


def test_every_key_is_documented_with_a_description() -> None:
    text = parameters_markdown()
    for key in Config().flat():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{key}` |"))
        assert not row.endswith("|  |"), f"{key} has no description"
