"""A stop signal never lands half-way through a tracking write: it waits for the write."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from ganops import stopping
from ganops.config import Config
from ganops.errors import Stopped
from ganops.tracking.resilient import ResilientSender


@pytest.fixture
def stop_handlers() -> Iterator[None]:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    stopping.install()
    yield
    for signum, handler in before.items():
        signal.signal(signum, handler)


def test_a_signal_outside_a_write_stops_at_once(stop_handlers) -> None:
    with pytest.raises(Stopped) as stopped:
        os.kill(os.getpid(), signal.SIGTERM)
    assert stopped.value.signal_name == "SIGTERM"


def test_a_signal_during_a_write_waits_for_it_then_stops(stop_handlers) -> None:
    finished = []

    def send(rows) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # arrives while the rows are being written
        with stopping.held():  # nested writes end before the stop, too
            finished.append("inner")
        finished.extend(rows)

    sender = ResilientSender(send, "loss")
    with pytest.raises(Stopped) as stopped:
        sender([{"step": 1}])
    assert stopped.value.signal_name == "SIGINT"
    assert finished == ["inner", {"step": 1}]  # the write completed before the stop
    with pytest.raises(Stopped):  # nothing is left held: the next signal stops at once
        os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_inside_a_store_write_still_closes_the_run_as_killed(
    stop_handlers, tmp_path, mlflow_uri
) -> None:
    """Ctrl-C while the embedded sqlite store is half-way through logging the losses. Unheld,
    the rows are lost, and the interrupted transaction can keep the store locked, so that
    closing the run fails ("database is locked", seen once in CI). Held, the write completes,
    then the run is closed as KILLED."""
    import sqlalchemy
    from mlflow.tracking import MlflowClient

    from ganops.tracking.runs import continue_run, log_metrics, start_pipeline_run

    run_id = start_pipeline_run(Config(), tmp_path, tmp_path / "run.json", "stopped")
    written: list[str] = []

    def interrupt_after_the_first_write(conn, cursor, statement, *args) -> None:
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if written == ["metrics"]:  # the metrics row is in, the transaction still open
            written.append(verb)
            os.kill(os.getpid(), signal.SIGINT)
        elif verb == "INSERT" and "INTO metrics " in statement:
            written.append("metrics")

    sqlalchemy.event.listen(
        sqlalchemy.engine.Engine, "before_cursor_execute", interrupt_after_the_first_write
    )
    try:
        with pytest.raises(Stopped), continue_run(Config(), tmp_path, run_id) as client:
            send = ResilientSender(lambda rows: log_metrics(client, run_id, rows, ["d_loss"]))
            send([{"step": 1, "d_loss": 0.5}])
    finally:
        sqlalchemy.event.remove(
            sqlalchemy.engine.Engine, "before_cursor_execute", interrupt_after_the_first_write
        )
    assert len(written) == 2, written  # the signal did arrive inside the write
    store = MlflowClient(mlflow_uri, mlflow_uri)
    assert store.get_run(run_id).info.status == "KILLED"
    assert [m.value for m in store.get_metric_history(run_id, "d_loss")] == [0.5]
