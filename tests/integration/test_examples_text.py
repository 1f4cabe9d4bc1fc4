"""examples/own_text_file.sh then examples/pull_and_sample.py on the text model, as
examples/README.md documents them: a real UTF-8 file, real training at a tiny size, a real
sqlite MLflow store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from tests.conftest import FIXTURES, subprocess_env
from tests.integration.test_examples_images import EXAMPLES, run
from tests.integration.test_text_pipeline import TEXT_TINY

pytestmark = pytest.mark.integration

MODEL = "example-lines"


def test_own_text_file_then_pull_and_sample(tmp_path: Path, mlflow_uri: str) -> None:
    lines = (FIXTURES / "fortunes" / "wisdom").read_text("utf-8").splitlines()
    text_file = tmp_path / "my-lines.txt"
    text_file.write_text("\n".join(line for line in lines if line.strip() and line != "%"))
    tiny = {key: value for key, value in TEXT_TINY.items() if key != "data.path"}
    extra = [arg for key, value in tiny.items() for arg in ("--set", f"{key}={value}")]
    env = subprocess_env()
    command = ["bash", str(EXAMPLES / "own_text_file.sh"), str(text_file), MODEL, *extra]
    printed = run([*command, "--out", str(tmp_path / "out")], env)
    assert f"models:/{MODEL}@champion" in printed

    client = MlflowClient(mlflow_uri, mlflow_uri)
    (version,) = client.search_model_versions(f"name='{MODEL}'")
    assert client.get_run(version.run_id).data.params["data.dataset"] == "text-file"
    script = str(EXAMPLES / "pull_and_sample.py")
    uri = f"models:/{MODEL}@champion"
    first = run([sys.executable, script, "--uri", uri, "-n", "5", "--seed", "3"], env)
    assert len(first.splitlines()) == 5  # one generated line per seed on stdout
    again = run([sys.executable, script, "--uri", uri, "-n", "5", "--seed", "3"], env)
    assert again == first  # the same seeds give the same text
