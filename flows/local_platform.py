"""Bring up the local platform on 127.0.0.1: a Prefect server, the served deployments
(``flows/serve.py``) and the MLflow UI on the same tracking store the flows write to.

    python flows/local_platform.py [--port 4200] [--mlflow-port 5000]

(Not named platform.py: that would shadow the standard library module for flows/ scripts.)

Prints the URLs; Ctrl-C (or SIGTERM) stops everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "src"))

from ganops.config import load_config  # noqa: E402
from ganops.environment import configure  # noqa: E402


def wait_healthy(url: str, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{what} did not answer at {url} within {timeout:.0f} s")


def store_uri() -> str:
    """The tracking store the flows will use: MLFLOW_TRACKING_URI, else params.yaml's."""
    return load_config(PROJECT_ROOT / "params.yaml").tracking_uri(PROJECT_ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4200, help="Prefect server port")
    parser.add_argument("--mlflow-port", type=int, default=5000, help="MLflow UI port")
    args = parser.parse_args()
    configure(PROJECT_ROOT)
    api = f"http://{args.host}:{args.port}/api"
    uri = store_uri()
    remote = uri.startswith(("http://", "https://"))
    mlflow_ui = uri if remote else f"http://{args.host}:{args.mlflow_port}"
    env = dict(
        os.environ,
        PREFECT_API_URL=api,
        MLFLOW_TRACKING_URI=uri,
        MLFLOW_REGISTRY_URI=uri,
        GANOPS_MLFLOW_UI_URL=mlflow_ui,  # links in the flows' summary artifacts
    )
    children: list[subprocess.Popen] = []

    def start(command: list[str]) -> None:
        # Own process group: Ctrl-C reaches us once, and we stop each child in order.
        children.append(
            subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, start_new_session=True)
        )

    # Explicit handlers: a shell that starts us in the background ignores SIGINT otherwise.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        start(["prefect", "server", "start", "--host", args.host, "--port", str(args.port)])
        if not remote:  # an existing tracking server already has its UI
            start(
                [
                    *("mlflow", "server", "--host", args.host, "--port", str(args.mlflow_port)),
                    *("--workers", "1", "--backend-store-uri", uri),
                ]
            )
        wait_healthy(f"{api}/health", "the Prefect server")
        start([sys.executable, str(PROJECT_ROOT / "flows" / "serve.py")])
        if not remote:
            wait_healthy(f"{mlflow_ui}/health", "the MLflow UI")
        print(f"\nPrefect UI:  http://{args.host}:{args.port}/deployments  (run the flows there)")
        print(f"MLflow UI:   {mlflow_ui}  (store {uri})")
        print("Stop with Ctrl-C.\n", flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(1)
        print("a platform process ended; stopping the others", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop_all(children)


def interrupt(*_: object) -> None:
    """SIGTERM (e.g. from a supervisor) stops everything as Ctrl-C does."""
    raise KeyboardInterrupt


def signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(child.pid, signum)


def stop_all(children: list[subprocess.Popen]) -> None:
    """Serve first (it pauses its deployments), then the servers; kill what lingers.

    SIGTERM, not SIGINT: a child may have inherited an ignored SIGINT from the shell."""
    for child in reversed(children):
        if child.poll() is None:
            signal_group(child, signal.SIGTERM)
    for child in reversed(children):
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            signal_group(child, signal.SIGKILL)
            child.wait()


if __name__ == "__main__":
    main()
