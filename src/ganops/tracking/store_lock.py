"""Serialise the few read-decide-write steps on an embedded (sqlite) MLflow store.

Two pipeline runs at once against one ``mlflow.db`` race on creating its tables, and their
registration steps' writes contend for sqlite's single writer. An exclusive file lock beside
the database (``filelock``) makes each of those steps atomic across processes on this machine;
a run that cannot get it within ``timeout`` seconds fails with a clear error instead of
waiting forever. It cannot reach other hosts, so the champion decision itself is guarded by
``champion_lock``, kept in the registry (any store, a tracking server's too). For a tracking
server this file lock does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ganops.errors import TrackingError

SQLITE_PREFIX = "sqlite:///"
TIMEOUT_SECONDS = 300.0


def sqlite_path(uri: str) -> Path | None:
    return Path(uri[len(SQLITE_PREFIX) :]) if uri.startswith(SQLITE_PREFIX) else None


@contextmanager
def store_lock(uri: str, timeout: float = TIMEOUT_SECONDS) -> Iterator[None]:
    database = sqlite_path(uri)
    if database is None:
        yield
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    lock_file = database.with_name(database.name + ".lock")
    try:
        with FileLock(lock_file, timeout=timeout):
            yield
    except Timeout:
        raise TrackingError(
            f"another ganops process has held {lock_file} for over {timeout:.0f} s",
            hint="wait for the other run to finish; if none runs, delete the lock file",
        ) from None
