"""The one check that a training batch fits the data (every step must have a full batch)."""

from __future__ import annotations

from ganops.errors import ConfigError

HINT = "lower train.batch_size or use more data"


def batch_size_problem(batch_size: int, available: int, what: str) -> str | None:
    """Why ``batch_size`` cannot be drawn from ``available`` examples (``what`` names them),
    or None when it can."""
    if batch_size <= available:
        return None
    return f"train.batch_size ({batch_size}) is larger than {what}"


def check_batch_fits(batch_size: int, available: int, what: str) -> None:
    """Raise a ``ConfigError`` naming the setting when the batch is larger than the data."""
    problem = batch_size_problem(batch_size, available, what)
    if problem:
        raise ConfigError(problem, hint=HINT)
