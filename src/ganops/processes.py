"""Stop a set of child process groups in order, within a time budget.

The local platform (``flows/local_platform.py``) runs servers and the deployments' server,
each in a process group of its own. They must go in order: the served deployments first,
while the Prefect server is still there to hear them pause (stopped together, the runner's
event socket is cut mid-read and it prints a traceback), then the servers. Whatever has not
exited when the budget is spent is killed, and so are processes a group leader left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence

POLL_SECONDS = 0.05


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """``signum`` to every process of ``process``'s group (it leads one of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone
        os.killpg(process.pid, signum)


def _wait(processes: Sequence[subprocess.Popen], until: float, hurry: threading.Event) -> bool:
    """Wait until all have exited (True), the clock reaches ``until`` or ``hurry`` is set."""
    while time.monotonic() < until and not hurry.is_set():
        if all(process.poll() is not None for process in processes):
            return True
        time.sleep(POLL_SECONDS)
    return all(process.poll() is not None for process in processes)


def stop_in_order(
    waves: Sequence[Sequence[subprocess.Popen]],
    budget: float = 7.0,
    wave_seconds: float = 4.0,
    hurry: threading.Event | None = None,
) -> list[subprocess.Popen]:
    """SIGTERM each wave's groups and wait for them (at most ``wave_seconds``) before the next
    wave; after ``budget`` seconds in all, or as soon as ``hurry`` is set (a second Ctrl-C),
    SIGKILL what is left. Returns the processes that had to be killed.

    The defaults keep a stop under ten seconds on a loaded machine: there a server can spend
    seconds in its interpreter's clean-up after its sockets are closed, and killing it then
    loses nothing. SIGTERM, not SIGINT: a child may have inherited an ignored SIGINT from the
    shell."""
    hurry = hurry or threading.Event()
    deadline = time.monotonic() + budget
    for wave in waves:
        running = [process for process in wave if process.poll() is None]
        for process in running:
            signal_group(process, signal.SIGTERM)
        _wait(running, min(deadline, time.monotonic() + wave_seconds), hurry)
    everyone = [process for wave in waves for process in wave]
    _wait(everyone, deadline, hurry)
    killed = [process for process in everyone if process.poll() is None]
    for process in everyone:
        # Also the group of a leader that has exited: a worker it started may linger.
        signal_group(process, signal.SIGKILL)
    for process in killed:
        process.wait()
    return killed
