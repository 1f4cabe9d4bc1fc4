"""examples/own_image_folder.sh then examples/pull_and_sample.py, as the README documents them:
a real image folder, real training at a tiny size, a real sqlite MLflow store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mlflow.tracking import MlflowClient
from PIL import Image

from tests.conftest import FIXTURES, PROJECT_ROOT, SANE_OVERRIDES, subprocess_env

pytestmark = pytest.mark.integration

EXAMPLES = PROJECT_ROOT / "examples"
MODEL = "example-shoes"
PER_CLASS = 40  # 10 classes x 40 = 400 PNGs


def image_folder(target: Path) -> Path:
    """A folder of PNGs, one subfolder per class, cut from the Fashion-MNIST fixture."""
    from ganops.data.idx import read_split

    images, labels = read_split(FIXTURES / "fashion-mnist", "train")
    for label in range(10):
        (target / f"class-{label}").mkdir(parents=True)
        for index in np.flatnonzero(labels == label)[:PER_CLASS]:
            Image.fromarray(images[index].reshape(28, 28)).save(
                target / f"class-{label}" / f"{index}.png"
            )
    return target


def run(command: list[str], env: dict) -> str:
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_own_image_folder_then_pull_and_sample(tmp_path: Path, mlflow_uri: str) -> None:
    folder = image_folder(tmp_path / "my-images")
    assert len(list(folder.rglob("*.png"))) == 10 * PER_CLASS
    tiny = {key: value for key, value in SANE_OVERRIDES.items() if key != "data.path"}
    # Extra arguments pass through to `ganops pipeline`; 0.25 keeps 100 images for evaluation.
    extra = [arg for key, value in tiny.items() for arg in ("--set", f"{key}={value}")]
    extra += ["--set", "data.test_fraction=0.25", "--out", str(tmp_path / "out")]
    env = subprocess_env()
    printed = run(["bash", str(EXAMPLES / "own_image_folder.sh"), str(folder), MODEL, *extra], env)
    assert f"models:/{MODEL}@champion" in printed

    client = MlflowClient(mlflow_uri, mlflow_uri)
    versions = client.search_model_versions(f"name='{MODEL}'")
    assert [str(v.version) for v in versions] == ["1"]
    run_params = client.get_run(versions[0].run_id).data.params
    assert run_params["data.dataset"] == "image-folder" and run_params["data.path"] == str(folder)
    # The first version of a new name is the champion: example 1 pulls it by alias.
    grid = tmp_path / "grid.png"
    script = str(EXAMPLES / "pull_and_sample.py")
    uri = f"models:/{MODEL}@champion"
    printed = run(
        [sys.executable, script, "--uri", uri, "-n", "9", "--seed", "3", "-o", str(grid)], env
    )
    assert str(grid) in printed and uri in printed
    with Image.open(grid) as picture:
        # 3x3 tiles of 28 px with 2 px padding, scaled 3x by save_grid.
        assert picture.size == (3 * (3 * 30 + 2), 3 * (3 * 30 + 2))
        first = np.asarray(picture)
    # The same seed gives the same picture; a wrong alias is a clear error, not a traceback.
    run([sys.executable, script, "--uri", uri, "-n", "9", "--seed", "3", "-o", str(grid)], env)
    assert np.array_equal(np.asarray(Image.open(grid)), first)
    wrong = subprocess.run(
        [sys.executable, script, "--uri", f"models:/{MODEL}@nope"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert wrong.returncode == 2 and "error: cannot load" in wrong.stderr
    assert "Traceback" not in wrong.stderr
