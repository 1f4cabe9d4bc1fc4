"""The modality registry: every modality is found, owns its datasets and gate metrics, and
shared code never tests a modality's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ganops.config import Dataset, GateMetric, load_config
from ganops.modalities import all_modalities, gate_directions, modality_named, modality_of
from tests.conftest import PROJECT_ROOT


def test_image_and_text_are_registered_with_disjoint_datasets() -> None:
    names = [modality.name for modality in all_modalities()]
    assert names == ["image", "text"]
    datasets = [d for modality in all_modalities() for d in modality.datasets]
    assert len(datasets) == len(set(datasets))
    assert sorted(member.value for member in Dataset) == sorted(datasets)
    assert modality_of("fashion-mnist").name == "image" and modality_of("fortunes").name == "text"


def test_the_schema_offers_exactly_the_modalities_gate_metrics() -> None:
    assert sorted(member.value for member in GateMetric) == sorted(gate_directions())
    assert gate_directions()["fid_domain"] is False and gate_directions()["bleu_4"] is True


def test_unknown_names_say_what_is_registered() -> None:
    with pytest.raises(KeyError, match="registered: image, text"):
        modality_named("audio")
    with pytest.raises(KeyError, match="no modality handles"):
        modality_of("mnist-typo")


@pytest.mark.parametrize("params", ["params.yaml", "params-text.yaml"])
def test_each_pipeline_file_belongs_to_its_modality(params: str) -> None:
    config = load_config(PROJECT_ROOT / params)
    assert config.modality.params_file == params
    assert set(config.modality.form_sections) <= set(type(config).model_fields)
    assert "tracking" not in config.modality.form_sections  # decided by who serves the flows
    assert set(config.modality.train_sections) <= set(type(config).model_fields)


def test_no_modality_test_outside_the_registry() -> None:
    """Shared code asks the modality; it never compares modality names."""
    pattern = re.compile(r"""modality(\.name)?\s*[!=]=\s*["'](image|text)["']""")
    offenders = []
    for root in (PROJECT_ROOT / "src" / "ganops", PROJECT_ROOT / "flows"):
        for path in root.rglob("*.py"):
            if "modalities" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_modality_modules_import_nothing_heavy() -> None:
    """The registry is loaded whenever parameters are validated, before TensorFlow."""
    import subprocess
    import sys

    code = (
        "import sys; import ganops.config; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'mlflow', 'torch') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(PROJECT_ROOT),
        env={"PYTHONPATH": str(PROJECT_ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "[]"
