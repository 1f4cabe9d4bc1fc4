from __future__ import annotations

import pytest

from ganops.errors import TrackingError
from ganops.tracking.resilient import ResilientSender


class FlakyServer:
    def __init__(self) -> None:
        self.up = True
        self.received: list[dict] = []

    def send(self, rows) -> None:
        if not self.up:
            raise ConnectionError("connection refused")
        self.received.extend(rows)


def test_rows_are_kept_while_down_and_sent_in_order_when_back() -> None:
    server = FlakyServer()
    sender = ResilientSender(server.send, first_wait=0.0)
    sender([{"step": 1}])
    server.up = False
    sender([{"step": 2}])
    sender([{"step": 3}])
    assert [r["step"] for r in server.received] == [1]
    server.up = True
    sender([{"step": 4}])
    assert [r["step"] for r in server.received] == [1, 2, 3, 4]
    sender.close("out/")  # nothing pending: no error


def test_close_names_what_was_saved_when_server_stays_down() -> None:
    server = FlakyServer()
    server.up = False
    sender = ResilientSender(server.send, "loss")
    sender([{"step": 1}, {"step": 2}])
    with pytest.raises(TrackingError) as caught:
        sender.close("runs/x")
    assert "saved in runs/x" in caught.value.message
    assert "2 loss rows" in caught.value.message
    assert "rerun the same command" in (caught.value.hint or "")


def test_after_a_failure_it_waits_before_trying_again() -> None:
    server = FlakyServer()
    server.up = False
    now = [0.0]
    sender = ResilientSender(server.send, first_wait=30, clock=lambda: now[0])
    attempts = []
    original = server.send
    server.send = lambda rows: (attempts.append(len(rows)), original(rows))  # type: ignore
    sender.send = server.send
    sender([{"step": 1}])
    now[0] = 10
    sender([{"step": 2}])  # within the wait: not tried, kept
    assert attempts == [1]
    server.up = True
    now[0] = 31
    sender([{"step": 3}])
    assert attempts == [1, 3] and [r["step"] for r in server.received] == [1, 2, 3]
