"""Stopping process groups in order within a budget, with real processes: one that exits on
SIGTERM after a moment, one that ignores it, one that leaves a worker behind."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from ganops.processes import stop_in_order

# Writes the time it got SIGTERM, then exits a little later (as a server that pauses first).
POLITE = """
import signal, sys, time
def stop(*_):
    open(sys.argv[1], "w").write(repr(time.monotonic()))
    time.sleep(0.3)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
open(sys.argv[1] + ".ready", "w").close()
while True:
    time.sleep(0.05)
"""
STUBBORN = """
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open(sys.argv[1] + ".ready", "w").close()
while True:
    time.sleep(0.05)
"""
# Leaves a child that ignores SIGTERM in its group, and exits itself on SIGTERM.
LEAVES_A_WORKER = """
import signal, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
open(sys.argv[1], "w").write(str(worker.pid))
open(sys.argv[1] + ".ready", "w").close()
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(0.05)
"""


def start(script: str, marker: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", script, str(marker)], start_new_session=True)
    deadline = time.monotonic() + 30
    while not Path(f"{marker}.ready").exists():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    return process


def test_waves_stop_in_order(tmp_path: Path) -> None:
    first = start(POLITE, tmp_path / "first")
    second = start(POLITE, tmp_path / "second")

    killed = stop_in_order([[first], [second]], budget=10, wave_seconds=5)

    assert killed == [] and first.returncode == 0 and second.returncode == 0
    # The second wave was asked to stop only after the first had exited.
    first_stopped = float((tmp_path / "first").read_text())
    assert float((tmp_path / "second").read_text()) >= first_stopped + 0.3


def test_what_ignores_sigterm_is_killed_when_the_budget_is_spent(tmp_path: Path) -> None:
    stubborn = start(STUBBORN, tmp_path / "stubborn")
    polite = start(POLITE, tmp_path / "polite")
    started = time.monotonic()

    killed = stop_in_order([[stubborn], [polite]], budget=1.5, wave_seconds=1.0)

    assert killed == [stubborn] and stubborn.returncode == -9 and polite.returncode == 0
    assert time.monotonic() - started < 3.0


def test_a_second_ctrl_c_kills_at_once(tmp_path: Path) -> None:
    stubborn = start(STUBBORN, tmp_path / "stubborn")
    hurry = threading.Event()
    threading.Timer(0.3, hurry.set).start()
    started = time.monotonic()

    assert stop_in_order([[stubborn]], budget=30, wave_seconds=30, hurry=hurry) == [stubborn]
    assert time.monotonic() - started < 3.0


def test_workers_left_in_a_group_are_killed(tmp_path: Path) -> None:
    leader = start(LEAVES_A_WORKER, tmp_path / "leader")
    worker = psutil.Process(int((tmp_path / "leader").read_text()))

    assert stop_in_order([[leader]], budget=5, wave_seconds=1) == []

    assert leader.returncode == 0
    worker.wait(timeout=5)  # killed, not orphaned: raises TimeoutExpired if still running
    assert not worker.is_running()
