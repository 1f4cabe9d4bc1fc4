"""Bring up the local platform on 127.0.0.1: a Prefect server and the served deployments.

    python flows/local_platform.py [--port 4200]

(Not named platform.py: that would shadow the standard library module for flows/ scripts.)

Prints the URLs; Ctrl-C stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "src"))

from ganops.environment import configure  # noqa: E402


def wait_healthy(url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the Prefect server did not answer at {url} within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4200)
    args = parser.parse_args()
    configure(PROJECT_ROOT)
    api = f"http://{args.host}:{args.port}/api"
    env = dict(os.environ, PREFECT_API_URL=api)
    children = [
        subprocess.Popen(
            ["prefect", "server", "start", "--host", args.host, "--port", str(args.port)],
            env=env,
            cwd=PROJECT_ROOT,
        )
    ]
    try:
        wait_healthy(api)
        children.append(
            subprocess.Popen(
                [sys.executable, str(PROJECT_ROOT / "flows" / "serve.py")],
                env=env,
                cwd=PROJECT_ROOT,
            )
        )
        print(f"\nPrefect UI:  http://{args.host}:{args.port}/deployments  (run image-gan there)")
        print("Stop with Ctrl-C.\n", flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    main()
