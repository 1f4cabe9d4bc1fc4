"""The store lock: exclusive across processes on an embedded store, a no-op for a server,
and a clear error instead of a wait without end."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from ganops.errors import TrackingError
from ganops.tracking.store_lock import store_lock


def _hold(uri: str, ready: multiprocessing.Event, release: multiprocessing.Event) -> None:
    with store_lock(uri):
        ready.set()
        release.wait(30)


def test_a_second_process_waits_then_times_out_with_a_clear_error(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(uri, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with (
            pytest.raises(TrackingError, match=r"has held .*mlflow\.db\.lock") as caught,
            store_lock(uri, timeout=0.5),
        ):
            pass
        assert "delete the lock file" in caught.value.hint
    finally:
        release.set()
        holder.join(30)
    with store_lock(uri, timeout=5):  # free again once the holder is done
        pass


def test_a_tracking_server_is_not_locked_locally(tmp_path: Path) -> None:
    with store_lock("http://127.0.0.1:5000"), store_lock("http://127.0.0.1:5000"):
        pass
    assert not list(tmp_path.iterdir())
