"""Scale-out by configuration: MLFLOW_TRACKING_URI pointing at a real ``mlflow server`` on
PostgreSQL (proxied artifacts), as a team would run it.

The whole pipeline logs and registers through HTTP, and the registered generator is pulled
back by ``models:/NAME@champion`` through the server. Registrations racing through the server
end with the better version as champion (the lock in ``tracking.champion_lock``).
"""

from __future__ import annotations

import json
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mlflow
import pytest
from mlflow.tracking import MlflowClient

import ganops
from ganops.config import RegisterConfig
from ganops.tracking.champion_lock import lock_name
from ganops.tracking.registry import Decision, register_generator
from tests.conftest import PROJECT_ROOT, subprocess_env, venv_bin

pytestmark = pytest.mark.integration

RACES = 10


def test_pipeline_registers_and_samples_through_a_tracking_server(
    mlflow_postgres_server: str, tmp_path: Path, sane_overrides: dict
) -> None:
    settings = [arg for k, v in sane_overrides.items() for arg in ("--set", f"{k}={v}")]
    result = subprocess.run(
        [venv_bin("ganops"), "pipeline", "--out", str(tmp_path / "out"), *settings],
        cwd=PROJECT_ROOT,
        env=subprocess_env(),  # carries MLFLOW_TRACKING_URI=http://127.0.0.1:PORT
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    registration = json.loads((tmp_path / "out" / "registration.json").read_text())

    client = MlflowClient(mlflow_postgres_server, mlflow_postgres_server)
    name = registration["model_name"]
    champion = client.get_model_version_by_alias(name, "champion")
    assert champion.version == registration["version"]
    run = client.get_run(champion.run_id)
    assert run.data.params["train.batch_size"] == str(sane_overrides["train.batch_size"])
    assert "fid_domain" in run.data.metrics
    artifacts = {item.path for item in client.list_artifacts(run.info.run_id)}
    assert {"evaluation", "samples"} <= artifacts  # the model is a LoggedModel in MLflow 3

    images = ganops.load_generator(f"models:/{name}@champion").sample(4, seed=0)
    assert images.shape[0] == 4 and 0.0 <= images.min() <= images.max() <= 1.0


def _race(uri: str, name: str, model_uri: str, values: tuple[float, float]) -> list[Decision]:
    """Two clients register ``model_uri`` under ``name`` at the same moment, with gate values
    ``values`` (lower is better), each from its own thread and connection."""
    config = RegisterConfig(model_name=name, lower_is_better=True, margin=0.0)
    start = threading.Barrier(len(values))

    def register(value: float) -> Decision:
        client = MlflowClient(uri, uri)
        start.wait()
        return register_generator(client, model_uri, config, value, {"ganops.test": "race"})

    with ThreadPoolExecutor(len(values)) as pool:
        return list(pool.map(register, values))


def test_racing_registrations_end_with_the_better_champion(mlflow_postgres_server: str) -> None:
    uri = mlflow_postgres_server
    client = MlflowClient(uri, uri)
    mlflow.set_experiment("race")
    # A model without files: what is raced is the registry, not the upload.
    model_uri = mlflow.create_external_model(name="stand-in").model_uri

    for attempt in range(RACES):
        name = f"race-{attempt}"
        # Which client holds the better version alternates, so neither order is favoured.
        values = (1.0, 2.0) if attempt % 2 == 0 else (2.0, 1.0)
        decisions = _race(uri, name, model_uri, values)
        better = next(d for d in decisions if d.value == 1.0)
        assert client.get_model_version_by_alias(name, "champion").version == better.version
        versions = {v.version: v for v in client.search_model_versions(f"name='{name}'")}
        assert sorted(versions) == ["1", "2"]
        for version in versions.values():  # neither registration's record was lost
            assert version.tags["ganops.candidate"] == "true"
            assert version.tags["ganops.gate_value"] in ("1.0", "2.0")
            assert version.tags["ganops.gate_decision"]
        assert client.get_model_version_by_alias(name, "candidate").version == "2"
        # The loser of the lock compared against the winner: exactly one was "first".
        firsts = [d for d in decisions if d.reason == "first version of this model"]
        assert len(firsts) == 1 and firsts[0].promoted
    names = {model.name for model in client.search_registered_models()}
    assert not {lock_name(f"race-{a}") for a in range(RACES)} & names  # every lock released
