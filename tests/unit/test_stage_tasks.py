"""Which failures the Prefect stage task retries: transient ones, not wrong input."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from prefect.states import Failed

from ganops.errors import ConfigError, DataError, TrackingError, TrainingError
from tests.conftest import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "flows"))
from stage_tasks import RETRIES, retry_helps


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database is locked"),
        TrackingError("the MLflow tracking server at http://127.0.0.1:5000 is not reachable"),
        OSError("connection reset"),
    ],
)
def test_transient_failures_are_retried(error: Exception) -> None:
    assert retry_helps(None, None, Failed(data=error))


@pytest.mark.parametrize(
    "error",
    [ConfigError("train.batch_size too big"), DataError("x.gz truncated"), TrainingError("NaN")],
)
def test_wrong_input_is_not_retried(error: Exception) -> None:
    assert not retry_helps(None, None, Failed(data=error))


def test_retries_where_they_help() -> None:
    assert RETRIES["prepare"] > 0 and RETRIES["register"] > 0 and RETRIES["train"] > 0
    assert "evaluate" not in RETRIES
