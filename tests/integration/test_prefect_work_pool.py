"""The work-pool route of docs/scaling.md, as a user takes it: a process work pool, a worker,
``flows/deploy.py``, runs triggered through the API. One pool and worker serve the module."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from mlflow.tracking import MlflowClient

from ganops.stages import STAGES
from tests.conftest import PROJECT_ROOT, venv_bin
from tests.integration.test_prefect_deployment import form_and_overrides, trigger_runs
from tests.servers import PrefectServer, stop

pytestmark = pytest.mark.integration

POOL = "ganops-test"
DEPLOYMENT = "image-gan/image-gan"
MODEL = "ganops-fashion-mnist"


@dataclass
class PoolWorker:
    env: dict[str, str]  # the Prefect API, for the commands a user runs
    api_url: str
    mlflow_uri: str  # the store the worker's runs write to


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result.stdout


def api(url: str, method: str = "GET") -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as answer:
        body = answer.read()
    return json.loads(body) if body else {}


def delete_deployment(api_url: str) -> None:
    """The session's server is shared with the served-deployment tests, which use the same
    deployment name: this module's pool deployment must neither meet theirs nor outlive it
    (serving after a pool deployment leaves the deployment attached to the pool)."""
    try:
        found = api(f"{api_url}/deployments/name/{DEPLOYMENT}")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return
        raise
    api(f"{api_url}/deployments/{found['id']}", method="DELETE")


@pytest.fixture(scope="module")
def pool_worker(
    prefect_server: PrefectServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PoolWorker]:
    """A process pool, ``image-gan`` deployed to it by flows/deploy.py, and one worker whose
    runs write to this module's MLflow store (a worker host's environment decides that)."""
    store = tmp_path_factory.mktemp("work-pool-mlflow")
    uri = f"sqlite:///{store / 'mlflow.db'}"
    env = dict(prefect_server.env)
    worker_env = dict(
        env,
        MLFLOW_TRACKING_URI=uri,
        MLFLOW_REGISTRY_URI=uri,
        PREFECT_WORKER_QUERY_SECONDS="2",  # poll often: runs start sooner (default every 10 s)
    )
    delete_deployment(prefect_server.api_url)
    run([venv_bin("prefect"), "work-pool", "create", POOL, "--type", "process"], env)
    worker = None
    try:
        run([venv_bin("python"), "flows/deploy.py", "--pool", POOL, "image-gan"], env)
        with (store / "worker.log").open("w") as log:
            worker = subprocess.Popen(
                [venv_bin("prefect"), "worker", "start", "--pool", POOL],
                env=worker_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=PROJECT_ROOT,
                start_new_session=True,  # stop() ends the worker with any run it started
            )
        yield PoolWorker(env, prefect_server.api_url, uri)
    finally:
        if worker is not None:
            stop(worker)
        delete_deployment(prefect_server.api_url)
        api(f"{prefect_server.api_url}/work_pools/{POOL}", method="DELETE")


@pytest.fixture
def output_root() -> Iterator[str]:
    """A folder inside the project for this test's runs (the flow writes only there)."""
    root = f"runs/test-{uuid.uuid4().hex[:8]}"
    yield root
    shutil.rmtree(PROJECT_ROOT / root, ignore_errors=True)


def tiny_run(tiny_overrides: dict, output_root: str) -> dict:
    form, overrides = form_and_overrides(tiny_overrides)
    return {**form, "overrides": overrides, "output_root": output_root}


def registrations(output_root: str) -> list[dict]:
    return [
        json.loads(path.read_text())
        for path in sorted((PROJECT_ROOT / output_root).glob("*/registration.json"))
    ]


def test_a_run_through_the_pool_completes_and_registers_a_version(
    pool_worker: PoolWorker, tiny_overrides: dict, output_root: str
) -> None:
    deployment = api(f"{pool_worker.api_url}/deployments/name/{DEPLOYMENT}")
    assert deployment["work_pool_name"] == POOL
    # The typed form survives the deployment from source (its schema comes from the flow).
    assert {"train", "evaluate", "overrides"} <= set(
        deployment["parameter_openapi_schema"]["properties"]
    )
    client = MlflowClient(pool_worker.mlflow_uri, pool_worker.mlflow_uri)
    before = len(client.search_model_versions(f"name='{MODEL}'"))

    [outcome] = trigger_runs(pool_worker.env, [tiny_run(tiny_overrides, output_root)], 600)

    assert outcome["state"] == "COMPLETED", outcome
    assert outcome["work_pool"] == POOL  # the worker ran it, not a served deployment
    assert outcome["task_runs"] == sorted(stage.name for stage in STAGES)
    # The deployment's job environment sends ganops' progress to the run's log.
    assert any("epoch 1/1 done" in line for line in outcome["logs"]), "progress in the log"
    [registration] = registrations(output_root)
    version = client.get_model_version(MODEL, registration["version"])
    assert version.run_id == registration["run_id"]
    assert len(client.search_model_versions(f"name='{MODEL}'")) == before + 1


def test_a_pool_limit_of_one_runs_two_runs_one_after_the_other(
    pool_worker: PoolWorker, tiny_overrides: dict, output_root: str
) -> None:
    # Without the limit the worker starts both at once (seen by hand: they overlapped).
    command = [venv_bin("prefect"), "work-pool", "set-concurrency-limit", POOL, "1"]
    run(command, pool_worker.env)
    assert api(f"{pool_worker.api_url}/work_pools/{POOL}")["concurrency_limit"] == 1

    runs = [tiny_run(tiny_overrides, output_root)] * 2
    outcomes = trigger_runs(pool_worker.env, runs, 600)  # both created at once

    assert [o["state"] for o in outcomes] == ["COMPLETED"] * 2, outcomes
    assert {o["work_pool"] for o in outcomes} == {POOL}
    first, second = sorted(
        (datetime.fromisoformat(o["start_time"]), datetime.fromisoformat(o["end_time"]))
        for o in outcomes
    )
    assert first[1] <= second[0], f"the runs overlapped: {first} and {second}"
    assert len({r["version"] for r in registrations(output_root)}) == 2


def test_deploy_refuses_a_missing_or_non_process_pool(prefect_server: PrefectServer) -> None:
    request = urllib.request.Request(
        f"{prefect_server.api_url}/work_pools/",
        data=json.dumps({"name": "ganops-test-k8s", "type": "kubernetes"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=30).close()
    try:
        for pool, message in [
            ("ganops-test-missing", "there is no work pool 'ganops-test-missing'"),
            ("ganops-test-k8s", "is of type 'kubernetes', not process"),
        ]:
            result = subprocess.run(
                [venv_bin("python"), "flows/deploy.py", "--pool", pool],
                env=prefect_server.env,
                capture_output=True,
                text=True,
                timeout=120,
                cwd=PROJECT_ROOT,
            )
            assert result.returncode == 2, result.stderr[-3000:]
            assert message in result.stderr and "hint: " in result.stderr
            assert "Traceback" not in result.stderr
    finally:
        api(f"{prefect_server.api_url}/work_pools/ganops-test-k8s", method="DELETE")
