"""Real servers for integration and reliability tests (a pytest plugin: see tests/conftest.py),
started on free loopback ports and stopped after."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
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


def start_mlflow_server(
    port: int, store: Path, backend_uri: str | None = None, workers: int = 1
) -> subprocess.Popen:
    """``mlflow server`` on 127.0.0.1 with proxied artifacts in ``store`` and a sqlite store
    there too, unless ``backend_uri`` names another (PostgreSQL); its log in ``store``."""
    store.mkdir(parents=True, exist_ok=True)
    log = (store / "server.log").open("w")
    process = subprocess.Popen(
        [
            venv_bin("mlflow"),
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--backend-store-uri",
            backend_uri or f"sqlite:///{store / 'mlflow.db'}",
            "--artifacts-destination",
            str(store / "artifacts"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=subprocess_env(),
    )
    log.close()  # the server holds its own copy
    try:
        wait_for(f"http://127.0.0.1:{port}/health", timeout=120, process=process)
    except (RuntimeError, TimeoutError) as error:
        stop(process)
        tail = (store / "server.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{error}; the server's log ends:\n{tail}") from None
    return process


def _point_mlflow_at(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's MLflow clients, its child processes' and this process's, use ``uri``."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", uri)
    import mlflow

    # In this process too: an earlier test's set_tracking_uri() would win over the variables.
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)


@pytest.fixture
def mlflow_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real ``mlflow server`` for this test; MLFLOW_TRACKING_URI points at it."""
    port = free_port()
    process = start_mlflow_server(port, tmp_path / "mlflow-server")
    uri = f"http://127.0.0.1:{port}"
    _point_mlflow_at(uri, monkeypatch)
    try:
        yield uri
    finally:
        stop(process)


# Where PostgreSQL's server programs live: on PATH, Debian's versioned folders, /usr/local.
POSTGRES_BIN_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/local/bin")


def postgres_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for pattern in POSTGRES_BIN_GLOBS:
        for folder in sorted(glob.glob(pattern), reverse=True):
            if os.access(Path(folder) / name, os.X_OK):
                return str(Path(folder) / name)
    return None


@dataclass
class Postgres:
    """A PostgreSQL server on a loopback port (trust authentication, user ``mlflow``)."""

    port: int
    user: str = "mlflow"

    def new_database(self, name: str) -> str:
        """Create database ``name``; returns its SQLAlchemy URI (what MLflow takes)."""
        import psycopg

        # autocommit: CREATE DATABASE refuses to run inside a transaction.
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """One PostgreSQL server for the session, in a temporary folder (a database per test).

    initdb refuses to run as root, so as root it runs as ``nobody``, in a folder of its own
    (pytest's own temporary folders are root's, closed to other users)."""
    initdb, pg_ctl = postgres_program("initdb"), postgres_program("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip(
            "PostgreSQL server programs (initdb, pg_ctl) not found on PATH or in "
            + ", ".join(POSTGRES_BIN_GLOBS)
            + ": `make test` installs it (scripts/system-packages.sh --tests, Debian: postgresql)"
        )
    folder = Path(tempfile.mkdtemp(prefix="ganops-postgres-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        as_user = ["runuser", "-u", "nobody", "--"]
    data, port = folder / "data", free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
    # No fsync: a test database that a crash would lose costs nothing, and it saves seconds.
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-U", "mlflow", "--auth=trust", "-E", "UTF8", "-N"],
        check=True,
        **quiet,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    pg_ctl_run = [*as_user, pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w"]
    subprocess.run([*pg_ctl_run, "-o", options, "start"], check=True, **quiet)
    try:
        yield Postgres(port)
    finally:
        subprocess.run([*pg_ctl_run, "-m", "fast", "stop"], check=False, **quiet)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_mlflow_url(
    postgres: Postgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A real ``mlflow server`` on PostgreSQL with proxied artifacts, shared by the session's
    tests (its start, schema migrations included, is the slow part). Two workers: requests
    are served concurrently, as by several server hosts on one database."""
    port, store = free_port(), tmp_path_factory.mktemp("mlflow-postgres")
    process = start_mlflow_server(port, store, postgres.new_database("mlflow"), workers=2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture
def mlflow_postgres_server(postgres_mlflow_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The PostgreSQL-backed server, with MLFLOW_TRACKING_URI pointing at it for this test."""
    _point_mlflow_at(postgres_mlflow_url, monkeypatch)
    return postgres_mlflow_url
