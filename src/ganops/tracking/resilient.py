"""Keep training when the tracking server goes away: buffer what could not be sent.

Metrics that fail to reach MLflow stay in a local queue and are sent with the next batch
(the loss rows are also in ``train_state/losses.tsv`` on disk, so nothing is lost either way).
At the end, ``close()`` tries once more and raises a clear ``TrackingError`` if the server is
still gone — after training has finished and its outputs are saved.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from ganops.errors import TrackingError
from ganops.stopping import held

logger = logging.getLogger(__name__)
Rows = Sequence[dict[str, Any]]


class ResilientSender:
    """Calls ``send(rows)``; on failure keeps the rows and retries with the next call."""

    def __init__(
        self,
        send: Callable[[Rows], None],
        what: str = "metrics",
        first_wait: float = 30.0,
        max_wait: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.send = send
        self.what = what
        self.pending: list[dict[str, Any]] = []
        self.failures = 0
        self.last_error: Exception | None = None
        # After a failure, wait (doubling) before the next try: each try against a dead
        # server costs seconds of MLflow's own retries, which would stall training.
        self.first_wait, self.max_wait, self.clock = first_wait, max_wait, clock
        self.next_try = 0.0

    def __call__(self, rows: Rows) -> None:
        self.pending.extend(rows)
        if self.clock() >= self.next_try:
            self._try_send()

    def _try_send(self) -> bool:
        if not self.pending:
            return True
        try:
            with held():  # a stop signal waits for the write: see ganops.stopping
                self.send(self.pending)
        except Exception as error:  # network, HTTP 5xx, sqlite busy: all mean "later"
            self.failures += 1
            self.last_error = error
            wait = min(self.max_wait, self.first_wait * 2 ** (self.failures - 1))
            self.next_try = self.clock() + wait
            if self.failures == 1:
                logger.warning(
                    "could not send %s to MLflow (%s); keeping them and retrying", self.what, error
                )
            return False
        if self.failures:
            logger.warning(
                "MLflow reachable again: sent %d buffered %s rows", len(self.pending), self.what
            )
        self.pending = []
        self.failures = 0
        return True

    def close(self, saved_where: str) -> None:
        """Send what is left; raise a clear error if MLflow is still unreachable."""
        if not self._try_send():
            raise TrackingError(
                f"training finished and its outputs are saved in {saved_where}, but "
                f"{len(self.pending)} {self.what} rows could not be sent to MLflow "
                f"({self.last_error})",
                hint="bring the tracking server back and rerun the same command: it resumes "
                "from the final checkpoint and logs again",
            )
