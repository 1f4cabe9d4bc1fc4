"""Serialise the few read-decide-write steps on an embedded (sqlite) MLflow store.

Two pipeline runs at once against one ``mlflow.db`` race on creating its tables and on the
registry's champion decision (read champion, compare, move alias). An exclusive file lock
beside the database makes each of those steps atomic across processes. For a tracking
server the server owns concurrency, and this lock does nothing.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SQLITE_PREFIX = "sqlite:///"


def sqlite_path(uri: str) -> Path | None:
    return Path(uri[len(SQLITE_PREFIX) :]) if uri.startswith(SQLITE_PREFIX) else None


@contextmanager
def store_lock(uri: str) -> Iterator[None]:
    database = sqlite_path(uri)
    if database is None:
        yield
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(database.with_name(database.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
