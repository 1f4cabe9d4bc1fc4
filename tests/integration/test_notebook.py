"""``examples/explore.ipynb`` runs top to bottom in a real kernel against a real store holding
two versions registered through the quality gate, so the notebook cannot rot unnoticed."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from ganops.config import Config, RegisterConfig
from ganops.tracking.registry import log_model_to_run, register_generator
from ganops.tracking.runs import continue_run, log_metrics, start_pipeline_run
from tests.conftest import PROJECT_ROOT
from tests.integration.test_serving import tiny_generator

pytestmark = pytest.mark.integration

NOTEBOOK = PROJECT_ROOT / "examples" / "explore.ipynb"
NAME = "ganops-notebook-test"


def register_versions(root: Path, gate_values: list[float]) -> None:
    """One pipeline run per value, logged and registered as the register stage does (the gate
    decides the aliases; no sanity check: these generators are untrained)."""
    config = Config()
    paths = tiny_generator(root / "model")
    served = config.modality.served_model(config, paths)
    for index, value in enumerate(gate_values):
        metrics = {"fid_domain": value, "fid_domain_floor": 1.5}
        run_id = start_pipeline_run(config, root, root / f"run{index}.json", f"tiny-{index}")
        with continue_run(config, root, run_id) as client:
            log_metrics(client, run_id, [{"step": 0, **metrics}], list(metrics))
        uri = log_model_to_run(config, root, run_id, paths.generator, "image", served, metrics)
        with continue_run(config, root, run_id) as client:
            decision = register_generator(
                client, uri, RegisterConfig(model_name=NAME), value, {"ganops.run_id": run_id}
            )
            client.set_tag(run_id, "ganops.model_version", decision.version)


def test_the_committed_notebook_has_no_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_notebook_runs_against_a_registered_champion(
    tmp_path: Path, mlflow_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbclient import NotebookClient

    register_versions(tmp_path, [30.0, 20.0])  # the second beats the first: champion v2
    monkeypatch.setenv("GANOPS_MODEL_NAME", NAME)  # the store: MLFLOW_TRACKING_URI (fixture)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # From examples/, as Jupyter opens it; a failing cell raises with its traceback.
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": NOTEBOOK.parent}},
    ).execute()

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not code[0].outputs and not code[1].outputs  # set-up and parameters: quiet
    outputs = [output for cell in code for output in cell.outputs]
    text = "".join(output.get("text", "") for output in outputs)
    assert f"models:/{NAME}@champion is version 2" in text
    assert "gate: fid_domain = 20.0" in text
    assert "2 runs in experiment 'ganops'" in text
    pictures = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(pictures) == 3  # the grid, the latent walk, the gate metric per version
    tables = [
        output["data"]["text/html"] for output in outputs if "text/html" in output.get("data", {})
    ]
    assert any("fid_domain_floor" in table and "1.5" in table for table in tables)  # model's
    assert any("tiny-1" in table for table in tables)  # the runs
    assert any("first version of this model" in table for table in tables)  # the versions
    assert any("candidate, champion" in table for table in tables)  # v2's aliases
    errors = [output["text"] for output in outputs if output.get("name") == "stderr"]
    assert not any("Warning" in error for error in errors), errors
