"""Stop signals: SIGINT and SIGTERM end a command like Ctrl-C, but never half-way through a
write to the tracking store.

A signal that unwinds the stack inside an MLflow call leaves that call's database transaction
open; with the embedded sqlite store the open transaction keeps the database locked, so the
run could then not be closed as KILLED ("database is locked"). Writes made in ``held()``
finish first; the stop is raised as soon as the outermost one ends.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from ganops.errors import Stopped

_depth = 0
_held: str | None = None  # the first stop signal that arrived during a held write


def install() -> None:
    """SIGTERM (a supervisor, `kill`, a cancelled job) stops like Ctrl-C: runs are closed."""
    signal.signal(signal.SIGTERM, _stop_on)
    signal.signal(signal.SIGINT, _stop_on)


def _stop_on(signum: int, frame: object) -> None:
    global _held
    name = signal.Signals(signum).name
    if _depth:
        _held = _held or name
        return
    raise Stopped(name)


@contextmanager
def held() -> Iterator[None]:
    """Hold a stop signal (if ``install()`` ran) until the block ends, then raise it."""
    global _depth, _held
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _held:
            name, _held = _held, None
            raise Stopped(name)
