"""The registry lock on a real (embedded sqlite) MLflow store: one holder at a time, a dead
holder's lock broken after its lease, a clear error after the timeout."""

from __future__ import annotations

import threading
import time

import pytest
from mlflow.tracking import MlflowClient

from ganops.errors import TrackingError
from ganops.tracking.champion_lock import OWNER_TAG, champion_lock, lock_name


def test_a_second_holder_waits_for_the_first(mlflow_uri: str) -> None:
    client = MlflowClient(mlflow_uri, mlflow_uri)
    events: list[str] = []
    first_holds = threading.Event()

    def first() -> None:
        with champion_lock(client, "m"):
            first_holds.set()
            events.append("first in")
            time.sleep(0.5)
            events.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    first_holds.wait(10)
    with champion_lock(MlflowClient(mlflow_uri, mlflow_uri), "m"):
        events.append("second in")
    thread.join()
    assert events == ["first in", "first out", "second in"]
    assert lock_name("m") not in {m.name for m in client.search_registered_models()}


def test_a_stale_lock_is_broken_after_its_lease_else_waiting_times_out(mlflow_uri: str) -> None:
    """Both on one store (each new store costs seconds of schema migrations)."""
    client = MlflowClient(mlflow_uri, mlflow_uri)
    client.create_registered_model(lock_name("dead"), tags={OWNER_TAG: "a process that died"})
    started = time.monotonic()
    with champion_lock(client, "dead", lease=0.5):
        waited = time.monotonic() - started
        owner = client.get_registered_model(lock_name("dead")).tags[OWNER_TAG]
        assert owner != "a process that died"
    assert 0.5 <= waited < 10

    client.create_registered_model(lock_name("slow"), tags={OWNER_TAG: "someone slow"})
    with (
        pytest.raises(TrackingError, match="held for over"),
        champion_lock(client, "slow", lease=60, timeout=0.3),
    ):
        pass
