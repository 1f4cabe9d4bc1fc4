"""Real servers for integration and reliability tests (a pytest plugin: see tests/conftest.py),
started on free loopback ports and stopped after."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, free_port, subprocess_env, venv_bin


def wait_for(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class PrefectServer:
    api_url: str
    env: dict[str, str]
    log: Path


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = subprocess_env(PREFECT_HOME=str(home), PREFECT_API_URL=api_url)
    log = home / "server.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [venv_bin("prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            start_new_session=True,
        )
    try:
        wait_for(f"{api_url}/health", timeout=90, process=process)
        yield PrefectServer(api_url, env, log)
    finally:
        stop(process)


def start_serving(env: dict[str, str], log: Path) -> subprocess.Popen:
    """``flows/serve.py`` in its own process group (so a test can kill it with its runs)."""
    with log.open("a") as handle:
        return subprocess.Popen(
            [venv_bin("python"), str(PROJECT_ROOT / "flows" / "serve.py")],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
            start_new_session=True,
        )


@pytest.fixture
def serve_env(prefect_server: PrefectServer, mlflow_uri: str) -> dict[str, str]:
    return dict(prefect_server.env, MLFLOW_TRACKING_URI=mlflow_uri, MLFLOW_REGISTRY_URI=mlflow_uri)


@pytest.fixture
def served_deployments(serve_env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """The deployments served against the server, with this test's MLflow store."""
    process = start_serving(serve_env, tmp_path / "serve.log")
    try:
        yield serve_env
    finally:
        stop(process)


def start_mlflow_server(port: int, store: Path) -> subprocess.Popen:
    """``mlflow server`` on 127.0.0.1 with a sqlite store and proxied artifacts in ``store``."""
    process = subprocess.Popen(
        [
            venv_bin("mlflow"),
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--backend-store-uri",
            f"sqlite:///{store / 'mlflow.db'}",
            "--artifacts-destination",
            str(store / "artifacts"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=subprocess_env(),
    )
    wait_for(f"http://127.0.0.1:{port}/health", timeout=120, process=process)
    return process


@pytest.fixture
def mlflow_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real ``mlflow server`` for this test; MLFLOW_TRACKING_URI points at it."""
    port, store = free_port(), tmp_path / "mlflow-server"
    store.mkdir()
    process = start_mlflow_server(port, store)
    uri = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", uri)
    try:
        yield uri
    finally:
        stop(process)
