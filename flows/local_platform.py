"""Bring up the local platform on 127.0.0.1: a Prefect server, the served deployments
(``flows/serve.py``) and the MLflow UI on the same tracking store the flows write to.

    python flows/local_platform.py [--port 4200] [--mlflow-port 5000]

(Not named platform.py: that would shadow the standard library module for flows/ scripts.)

Prints the URLs; Ctrl-C (or SIGTERM) stops everything it started within ten seconds (the
served deployments first, then the servers; a second Ctrl-C kills at once).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "src"))

from ganops.config import load_config  # noqa: E402
from ganops.environment import configure  # noqa: E402
from ganops.processes import stop_in_order  # noqa: E402


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

    def start(command: list[str], **extra_env: str) -> subprocess.Popen:
        # Own process group: Ctrl-C reaches us once, and we stop each child in order.
        child = subprocess.Popen(
            command, env=env | extra_env, cwd=PROJECT_ROOT, start_new_session=True
        )
        children.append(child)
        return child

    served: subprocess.Popen | None = None  # the deployments' process: stopped first
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
                ],
                # Its job runner (GenAI evaluation jobs, which ganops has none of) is eight more
                # processes: seconds longer to start and to stop.
                MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false",
            )
        wait_healthy(f"{api}/health", "the Prefect server")
        served = start([sys.executable, str(PROJECT_ROOT / "flows" / "serve.py")])
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
        stop_all(children, served)


def interrupt(*_: object) -> None:
    """SIGTERM (e.g. from a supervisor) stops everything as Ctrl-C does."""
    raise KeyboardInterrupt


def stop_all(children: list[subprocess.Popen], served: subprocess.Popen | None) -> None:
    """The served deployments first (they pause themselves through the Prefect server), then
    the servers; whatever lingers past the budget is killed. A second Ctrl-C kills at once."""
    hurry = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: hurry.set())
    print("stopping the platform ...", file=sys.stderr, flush=True)
    started = time.monotonic()
    first = [served] if served is not None else []
    killed = stop_in_order([first, [c for c in children if c not in first]], hurry=hurry)
    # A server still exiting when the budget is spent is usually in the interpreter's own
    # clean-up, its sockets already closed: ending it loses nothing.
    forced = ", ".join(" ".join(child.args[:2]) for child in killed)
    took = f"stopped in {time.monotonic() - started:.1f} s"
    print(took + (f" ({forced}: still exiting, ended)" if forced else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
