"""A registered image generator samples through its LiteRT copy, without TensorFlow: in
Python (``ganops.load_generator``), in the CLI (``ganops sample``), and the images equal the
Keras path's for the same seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ganops.config import load_config
from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin
from tests.integration.test_serving import IMAGE_SHAPE, register_generator_version

pytestmark = pytest.mark.integration
pytest.importorskip("ai_edge_litert.interpreter")

# On the served [0, 1] scale; the copy and Keras differ by float32 rounding (~1e-7).
TOLERANCE = 1e-5


def register(tracking_uri: str, folder: Path, name: str, n_classes: int = 0) -> str:
    """A small untrained generator logged as the register stage logs it; champion by hand."""
    config = load_config(PROJECT_ROOT / "params.yaml", {"train.conditional": bool(n_classes)})
    return register_generator_version(tracking_uri, folder, name, config, "light-sampler")


def load(uri: str, runtime: str, monkeypatch: pytest.MonkeyPatch):
    import ganops

    monkeypatch.setenv("GANOPS_SAMPLER", runtime)
    return ganops.load_generator(uri)


@pytest.mark.parametrize("n_classes", [0, 10])
def test_light_and_keras_paths_sample_the_same_images(
    n_classes: int, mlflow_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = register(mlflow_uri, tmp_path, f"light-{n_classes}", n_classes)
    light, keras_path = load(uri, "light", monkeypatch), load(uri, "keras", monkeypatch)
    assert (light.runtime, keras_path.runtime) == ("litert", "keras")
    images = light.sample(64, seed=3)
    assert images.shape == (64, *IMAGE_SHAPE)
    np.testing.assert_allclose(images, keras_path.sample(64, seed=3), atol=TOLERANCE, rtol=0)
    assert not np.allclose(images[0], images[1])
    if n_classes:  # the optional label column reaches the light copy
        import pandas as pd

        table = pd.DataFrame({"seed": [0, 0], "label": [1, 7]})
        light_images = light.model.predict(table)
        np.testing.assert_allclose(
            light_images, keras_path.model.predict(table), atol=TOLERANCE, rtol=0
        )
        assert not np.allclose(light_images[0], light_images[1])


LOAD_AND_SAMPLE = """
import json, sys
import ganops
generator = ganops.load_generator(sys.argv[1])
images = generator.sample(8, seed=0)
print(json.dumps({
    "runtime": generator.runtime,
    "shape": list(images.shape),
    "imported": sorted(m for m in ("tensorflow", "keras") if m in sys.modules),
}))
"""


def test_loading_through_the_light_path_does_not_import_tensorflow(
    mlflow_uri: str, tmp_path: Path
) -> None:
    uri = register(mlflow_uri, tmp_path, "light-no-tf")
    env = subprocess_env(MLFLOW_TRACKING_URI=mlflow_uri, MLFLOW_REGISTRY_URI=mlflow_uri)
    result = subprocess.run(
        [sys.executable, "-c", LOAD_AND_SAMPLE, uri],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"runtime": "litert", "shape": [8, *IMAGE_SHAPE], "imported": []}


def test_cli_sample_uses_the_light_path_without_tensorflow(mlflow_uri: str, tmp_path: Path) -> None:
    uri = register(mlflow_uri, tmp_path, "light-cli")
    env = subprocess_env(MLFLOW_TRACKING_URI=mlflow_uri, MLFLOW_REGISTRY_URI=mlflow_uri)
    output = tmp_path / "grid.png"
    # -X importtime lists every module imported: tensorflow must not be among them.
    result = subprocess.run(
        [venv_bin("python"), "-X", "importtime", "-m", "ganops.cli", "sample", uri, "-n", "16",
         "-o", str(output)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout)
    assert answer["runtime"] == "litert" and answer["images"] == 16
    assert output.stat().st_size > 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "ai_edge_litert.interpreter" in imported
    assert not {name for name in imported if name.split(".")[0] in ("tensorflow", "keras")}
