"""Operator-path timings: orchestration overhead, cold pull-and-sample, REST latency.

    python benchmarks/operator_paths.py [--repeats 3] [--requests 20]

1. The same tiny pipeline (prepare -> train -> evaluate -> register) through the bare CLI
   (``ganops pipeline``) and through the Prefect deployment (server + ``flows/serve.py``,
   triggered as the UI does), interleaved, ``--repeats`` times each: medians side by side.
2. Cold pull-and-sample: a new Python process loads ``models:/NAME@champion`` and samples
   64 images (wall time of the whole process, and the in-process load + sample time).
3. REST: ``mlflow models serve`` of the champion; median latency of ``--requests`` requests
   for 1 and for 64 seeds (after one warm-up request each).

Everything runs against a throw-away MLflow store and Prefect home in a temporary folder;
servers bind to 127.0.0.1. Prints a JSON report.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TINY = {
    "data.path": "tests/fixtures/fashion-mnist",
    "train.epochs": 1,
    "train.batch_size": 64,
    "train.log_every_steps": 2,
    "train.grid_size": 4,
    "evaluate.n_samples": 256,
    "evaluate.batch_size": 128,
}
TRIGGER = """
import json, sys, time
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
while True:
    try:
        run = run_deployment("image-gan/image-gan", parameters=json.loads(sys.argv[1]), timeout=900)
        break
    except ObjectNotFound:
        time.sleep(1)
print(json.dumps({"state": run.state.type.value}))
"""
PULL = """
import sys, time
started = time.perf_counter()
import ganops
images = ganops.load_generator(sys.argv[1]).sample(64, seed=0)
assert images.shape[0] == 64
print(time.perf_counter() - started)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("a") as handle:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1200
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def post(port: int, seeds: list[int]) -> float:
    body = json.dumps({"inputs": {"seed": seeds}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/invocations", body, {"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ganops-bench-"))
    uri = f"sqlite:///{work / 'mlflow.db'}"
    api = f"http://127.0.0.1:{free_port()}/api"
    env = dict(
        os.environ,
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(ROOT / "src"),
        MLFLOW_TRACKING_URI=uri,
        MLFLOW_REGISTRY_URI=uri,
        PREFECT_HOME=str(work / "prefect"),
        PREFECT_API_URL=api,
    )
    port = api.split(":")[2].split("/")[0]
    prefect = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", port]
    server = start(prefect, env, work / "prefect.log")
    report: dict = {"repeats": args.repeats, "tiny_settings": TINY}
    try:
        wait_for(f"{api}/health")
        serving = start([sys.executable, str(ROOT / "flows" / "serve.py")], env, work / "serve.log")
        cli, flow = [], []
        settings = [arg for k, v in TINY.items() for arg in ("--set", f"{k}={v}")]
        for repeat in range(args.repeats):  # interleaved: drift on shared cores hits both
            out = str(work / f"cli-{repeat}")
            cli.append(timed([str(BIN / "ganops"), "pipeline", "--out", out, *settings], env))
            if serving.poll() is not None:
                raise RuntimeError(f"flows/serve.py exited; see {work / 'serve.log'}")
            parameters = {"overrides": TINY, "output_root": f"runs/bench-{work.name}"}
            trigger = [sys.executable, "-c", TRIGGER, json.dumps(parameters)]
            flow.append(timed(trigger, env))
            print(f"repeat {repeat + 1}: cli {cli[-1]:.1f} s, flow {flow[-1]:.1f} s", flush=True)
        stop(serving)
        report["pipeline_cli_s"] = cli
        report["pipeline_prefect_s"] = flow
        report["median_cli_s"] = statistics.median(cli)
        report["median_prefect_s"] = statistics.median(flow)
        overheads = [f - c for f, c in zip(flow, cli, strict=True)]
        report["median_overhead_s"] = statistics.median(overheads)

        name = json.loads((work / "cli-0" / "registration.json").read_text())["model_name"]
        champion = f"models:/{name}@champion"
        pulls = [(timed([sys.executable, "-c", PULL, champion], env)) for _ in range(args.repeats)]
        report["cold_pull_sample64_process_s"] = pulls
        report["median_cold_pull_sample64_process_s"] = statistics.median(pulls)

        rest_port = free_port()
        model = start(
            [str(BIN / "mlflow"), "models", "serve", "-m", champion, "--env-manager", "local",
             "-h", "127.0.0.1", "-p", str(rest_port)], env, work / "rest.log",
        )  # fmt: skip
        try:
            started = time.perf_counter()
            wait_for(f"http://127.0.0.1:{rest_port}/ping")
            report["rest_ready_s"] = time.perf_counter() - started
            for n in (1, 64):
                post(rest_port, list(range(n)))  # warm-up (first call traces the model)
                latencies = [post(rest_port, list(range(n))) for _ in range(args.requests)]
                report[f"rest_median_ms_{n}_seeds"] = 1000 * statistics.median(latencies)
        finally:
            stop(model)
    finally:
        stop(server)
        subprocess.run(["rm", "-rf", str(ROOT / "runs" / f"bench-{work.name}")], check=False)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
