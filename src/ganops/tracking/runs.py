"""MLflow runs: where the store is, one run per pipeline run, batched metric logging.

A pipeline run spans several processes (``dvc repro`` runs each stage as its own command), so
the train stage opens the run and records its id next to the generator; evaluate and register
continue that same run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mlflow
from mlflow.entities import Metric, Param
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from ganops.config import Config
from ganops.errors import TrackingError
from ganops.paths import write_text_atomic
from ganops.tracking.store_lock import sqlite_path, store_lock

logger = logging.getLogger(__name__)

MAX_PARAM_LENGTH = 6000
# System metrics (CPU, memory, disk, network): sampled every 5 s, each point the mean of two
# samples, so a 10-minute training run draws a 60-point curve. MLflow's own variables
# (MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL, ..._SAMPLES_BEFORE_LOGGING) override both.
SYSTEM_METRICS_INTERVAL = 5.0
SYSTEM_METRICS_SAMPLES_PER_POINT = 2


def check_server(uri: str, timeout: float = 5.0) -> None:
    """Fail in seconds, not after MLflow's minutes of retries, when a server is down."""
    if not uri.startswith(("http://", "https://")):
        return
    try:
        with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout):
            return
    except urllib.error.HTTPError:
        return  # it answered: reachable (auth or routing is MLflow's business)
    except OSError as error:
        raise TrackingError(
            f"the MLflow tracking server at {redact(uri)} is not reachable ({error})",
            hint="start it, fix MLFLOW_TRACKING_URI, or unset it to use sqlite:///mlflow.db",
        ) from None


def connect(config: Config, project_root: Path) -> MlflowClient:
    """Point MLflow at the store and make sure the experiment exists."""
    uri = config.tracking_uri(project_root)
    check_server(uri)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    name = config.tracking.experiment
    database = sqlite_path(uri)
    try:
        # Creating the store's tables and the experiment must not race with another run.
        with store_lock(uri):
            client = MlflowClient(uri, uri)
            experiment = client.get_experiment_by_name(name)
            if experiment is None:
                # Embedded store: artifacts beside the database, not in the process's cwd.
                location = (database.parent / "mlruns").resolve().as_uri() if database else None
                client.create_experiment(name, artifact_location=location)
    except Exception as error:  # MLflow raises many types for an unreachable store
        raise TrackingError(
            f"cannot reach the MLflow tracking store at {redact(uri)}: {error}",
            hint="check MLFLOW_TRACKING_URI or tracking.uri; the default is sqlite:///mlflow.db",
        ) from None
    mlflow.set_experiment(name)
    return client


def redact(uri: str) -> str:
    """Hide a password in ``scheme://user:password@host`` before it is printed or logged."""
    if "@" in uri and "://" in uri:
        scheme, rest = uri.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return uri


def git_commit(project_root: Path) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=project_root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=project_root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def data_hash(project_root: Path) -> str:
    """The md5 that ``data.dvc`` pins (the version of the raw data)."""
    import yaml

    path = project_root / "data.dvc"
    try:
        return str(yaml.safe_load(path.read_text())["outs"][0]["md5"])
    except (OSError, KeyError, IndexError, TypeError):
        return "unknown"


def owner_tags() -> dict[str, str]:
    """Which process holds a run open: lets a later run tell a crashed attempt from a live one."""
    return {"ganops.host": socket.gethostname(), "ganops.pid": str(os.getpid())}


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_orphaned_runs(client: MlflowClient, experiment_id: str) -> list[str]:
    """Mark FAILED the RUNNING runs whose process on this host is gone (killed, crashed)."""
    host = socket.gethostname()
    orphaned = []
    for run in client.search_runs(
        [experiment_id], "attributes.status = 'RUNNING'", max_results=1000
    ):
        tags = run.data.tags
        pid = tags.get("ganops.pid", "")
        if tags.get("ganops.host") == host and pid.isdigit() and not process_alive(int(pid)):
            client.set_tag(
                run.info.run_id,
                "ganops.failure",
                f"process {pid} on {host} ended without closing the run",
            )
            client.set_terminated(run.info.run_id, status="FAILED")
            orphaned.append(run.info.run_id)
    return orphaned


def source_tags(project_root: Path) -> dict[str, str]:
    """MLflow's standard run tags (source name and type, user, git commit, branch and remote)
    as ``mlflow.start_run`` sets them, which ``MlflowClient.create_run`` does not.

    The git ones describe the project, not the entry point's file as MLflow's own lookup
    does: a console script (``.venv/bin/ganops``, ``pytest``) may live in another repository
    or in none."""
    from mlflow.tracking.context.git_context import GitRunContext
    from mlflow.tracking.context.registry import resolve_tags
    from mlflow.utils import git_utils
    from mlflow.utils.mlflow_tags import MLFLOW_GIT_BRANCH, MLFLOW_GIT_COMMIT, MLFLOW_GIT_REPO_URL

    tags = resolve_tags(ignore=[GitRunContext])
    folder = str(project_root)
    git = {
        MLFLOW_GIT_COMMIT: git_utils.get_git_commit(folder),
        MLFLOW_GIT_BRANCH: git_utils.get_git_branch(folder),
        MLFLOW_GIT_REPO_URL: git_utils.get_git_repo_url(folder),  # credentials stripped
    }
    return {**tags, **{key: value for key, value in git.items() if value}}


def start_pipeline_run(config: Config, project_root: Path, run_info: Path, run_name: str) -> str:
    """Open the MLflow run of a pipeline run (or reopen it after a crash); returns its id."""
    client = connect(config, project_root)
    experiment = client.get_experiment_by_name(config.tracking.experiment)
    mark_orphaned_runs(client, experiment.experiment_id)
    previous = read_run_id(run_info) if run_info.is_file() else None
    if previous and _run_exists(client, previous):
        return previous
    if previous:  # the checkpoints outlived their store (a new mlflow.db, another server)
        logger.warning(
            "MLflow run %s is not in %s: the resumed training is logged as a new run",
            previous,
            client.tracking_uri,
        )
    run = client.create_run(
        experiment.experiment_id,
        run_name=run_name,
        tags={
            **source_tags(project_root),
            "ganops.git_commit": git_commit(project_root),
            "ganops.data_md5": data_hash(project_root),
            "ganops.dataset": config.data.dataset,
            **owner_tags(),
        },
    )
    # A tracking URI may carry a password: never store one as a parameter.
    params = [Param(k, redact(str(v))[:MAX_PARAM_LENGTH]) for k, v in config.flat().items()]
    client.log_batch(run.info.run_id, params=params)
    write_text_atomic(run_info, json.dumps({"run_id": run.info.run_id}))
    return run.info.run_id


def _run_exists(client: MlflowClient, run_id: str) -> bool:
    try:
        client.get_run(run_id)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return False
        raise
    return True


def read_run_id(run_info: Path) -> str:
    try:
        return json.loads(run_info.read_text())["run_id"]
    except (OSError, KeyError, ValueError):
        raise TrackingError(f"{run_info}: no MLflow run id", hint="rerun `ganops train`") from None


@contextmanager
def continue_run(config: Config, project_root: Path, run_id: str) -> Iterator[MlflowClient]:
    """Reopen the pipeline's run; it is FINISHED on success, KILLED when a signal stops it
    and FAILED (with the reason as the ``ganops.failure`` tag) on an exception."""
    client = connect(config, project_root)
    client.update_run(run_id, status="RUNNING")
    for key, value in owner_tags().items():
        client.set_tag(run_id, key, value)
    try:
        yield client
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM through the CLI (errors.Stopped)
        signal_name = getattr(stop, "signal_name", "SIGINT")
        with contextlib.suppress(Exception):
            client.set_tag(run_id, "ganops.failure", f"stopped by {signal_name}; rerun to resume")
            client.set_terminated(run_id, status="KILLED")
        raise
    except BaseException as error:
        # The store itself may be what failed: keep the original error, not this one.
        with contextlib.suppress(Exception):
            client.set_tag(run_id, "ganops.failure", f"{type(error).__name__}: {error}"[:5000])
            client.set_terminated(run_id, status="FAILED")
        raise
    client.set_terminated(run_id, status="FINISHED")


@contextmanager
def system_metrics(
    run_id: str,
    tracking_uri: str,
    interval: float = SYSTEM_METRICS_INTERVAL,
    samples_per_point: int = SYSTEM_METRICS_SAMPLES_PER_POINT,
) -> Iterator[None]:
    """Record CPU, memory, disk and network use as ``system/*`` metrics of the run while the
    block runs (MLflow's monitor, in a thread). A resumed run's curve goes on from its last
    step. The monitor's start and stop lines are kept out of the log: they are routine."""
    import psutil
    from mlflow.system_metrics.system_metrics_monitor import SystemMetricsMonitor

    monitor_log = logging.getLogger(SystemMetricsMonitor.__module__)
    if monitor_log.level == logging.NOTSET:  # a level set on purpose (DEBUG) is kept
        monitor_log.setLevel(logging.WARNING)
    # psutil measures CPU use since its previous call: this one makes the first sample real.
    psutil.cpu_percent()
    monitor = SystemMetricsMonitor(
        run_id,
        sampling_interval=interval,
        samples_before_logging=samples_per_point,
        resume_logging=True,
        tracking_uri=tracking_uri,
    )
    monitor.start()
    try:
        yield
    finally:
        monitor.finish()


def log_metrics(
    client: MlflowClient,
    run_id: str,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    step_key: str = "step",
) -> None:
    """One ``log_batch`` for many steps (1000 single calls take seconds on sqlite)."""
    import time

    now = int(time.time() * 1000)
    metrics = [
        Metric(key, float(row[key]), now, int(row[step_key])) for row in rows for key in keys
    ]
    for start in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[start : start + 1000])
