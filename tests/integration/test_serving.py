"""Serving a registered generator: ``mlflow models serve`` over REST, ``ganops.load_generator``
in Python, and both through a real ``mlflow server`` (MLFLOW_TRACKING_URI over HTTP)."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import mlflow
import numpy as np
import pytest

from ganops.config import Config
from ganops.data.summary import write_summary
from ganops.models.dcgan import build_generator
from ganops.paths import RunPaths
from ganops.tracking.registry import CHAMPION, log_generator
from tests.conftest import free_port, subprocess_env, venv_bin
from tests.servers import stop, wait_for

pytestmark = pytest.mark.integration

IMAGE_SHAPE = (28, 28, 1)
NAME = "ganops-serving-test"
served_model_session: dict[int, int] = {}  # port -> session id of its server processes


def tiny_generator(folder: Path, n_classes: int = 0) -> RunPaths:
    """A small untrained image generator and the prepared summary its served model reads."""
    paths = RunPaths(folder)
    paths.model_dir.mkdir(parents=True)
    build_generator(16, IMAGE_SHAPE, width=8, n_classes=n_classes).save(paths.generator)
    paths.prepared.mkdir()
    write_summary(paths.prepared, "image", {"image_shape": list(IMAGE_SHAPE)})
    return paths


def register_generator_version(
    tracking_uri: str,
    folder: Path,
    name: str = NAME,
    config: Config | None = None,
    experiment: str = "serving",
) -> str:
    """A small (untrained) generator logged and registered as ganops does; alias champion
    set by hand (an untrained generator would not pass the quality gate's sanity check).
    ``config`` (default: the defaults) says whether the generator is conditional."""
    config = config or Config()
    n_classes = 10 if config.train.conditional else 0
    paths = tiny_generator(folder, n_classes)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run():
        served = config.modality.served_model(config, paths)
        model_uri = log_generator(paths.generator, config.modality.name, served)
    version = mlflow.register_model(model_uri, name).version
    mlflow.MlflowClient(tracking_uri, tracking_uri).set_registered_model_alias(
        name, CHAMPION, version
    )
    return f"models:/{name}@{CHAMPION}"


@pytest.fixture
def champion(mlflow_uri: str, tmp_path: Path) -> str:
    return register_generator_version(mlflow_uri, tmp_path)


def invoke(port: int, seeds: list[int]) -> np.ndarray:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/invocations",
        data=json.dumps({"inputs": {"seed": seeds}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return np.asarray(json.loads(response.read())["predictions"], dtype=np.float32)


@pytest.fixture
def served_model(champion: str, mlflow_uri: str, tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = subprocess_env(MLFLOW_TRACKING_URI=mlflow_uri, MLFLOW_REGISTRY_URI=mlflow_uri)
    command = [venv_bin("mlflow"), "models", "serve", "-m", champion, "--env-manager", "local"]
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served_model_session[port] = process.pid  # start_new_session: the pid is the session
    try:
        wait_for(f"http://127.0.0.1:{port}/ping", timeout=120, process=process)
        yield port
    finally:
        stop(process)
        served_model_session.pop(port, None)


def test_rest_answers_images_for_a_list_of_seeds(served_model: int) -> None:
    images = invoke(served_model, [0, 1, 2])
    assert images.shape == (3, *IMAGE_SHAPE)
    assert images.min() >= 0.0 and images.max() <= 1.0
    again = invoke(served_model, [2, 0])
    np.testing.assert_allclose(again, images[[2, 0]], atol=1e-5)  # a seed is one image
    assert not np.allclose(images[0], images[1])


def loaded_libraries(session: int) -> set[str]:
    """Shared objects mapped by every process of a session (the server and its workers)."""
    libraries = set()
    for proc in Path("/proc").iterdir():
        try:
            # Field 6 of stat is the session id; the command name (field 2) may hold spaces.
            if (
                not proc.name.isdigit()
                or int((proc / "stat").read_text().rsplit(")", 1)[1].split()[3]) != session
            ):
                continue
            maps = (proc / "maps").read_text()
        except (OSError, IndexError, ValueError):  # a process that ended meanwhile
            continue
        libraries.update(line.split()[-1] for line in maps.splitlines() if ".so" in line)
    return libraries


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
def test_rest_samples_with_the_light_copy_without_tensorflow(
    served_model: int, champion: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ai_edge_litert.interpreter")
    images = invoke(served_model, [0, 1, 2])
    libraries = loaded_libraries(served_model_session[served_model])
    assert any("ai_edge_litert" in library for library in libraries)
    assert not [library for library in libraries if "tensorflow" in library]
    import ganops

    monkeypatch.setenv("GANOPS_SAMPLER", "keras")
    keras_images = ganops.load_generator(champion).sample(3, seed=0)
    np.testing.assert_allclose(images, keras_images, atol=1e-5, rtol=0)


def test_load_generator_samples_the_same_images_as_rest(champion: str) -> None:
    import ganops

    generator = ganops.load_generator(champion)
    images = generator.sample(4, seed=10)
    assert images.shape == (4, *IMAGE_SHAPE)
    np.testing.assert_allclose(generator.sample(2, seed=12), images[2:], atol=1e-5)
