"""User-facing errors. The CLI prints ``message`` and ``hint`` (no traceback) and exits 2.

Anything that is not a ``GanopsError`` is a bug and keeps its traceback.
"""

from __future__ import annotations


class GanopsError(Exception):
    """Base class for errors caused by the user's input or environment, not by ganops."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nhint: {self.hint}"


class ConfigError(GanopsError):
    """A parameter in params.yaml, an override or a flow form is invalid."""


class DataError(GanopsError):
    """An input data file is missing, truncated or malformed."""


class TrainingError(GanopsError):
    """Training cannot go on (e.g. the loss diverged)."""


class TrackingError(GanopsError):
    """MLflow could not be reached or refused a request."""


class EnvironmentSetupError(GanopsError):
    """A system package or tool that ganops needs is missing."""


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: unwinds like Ctrl-C (past ``except Exception``), so the
    MLflow run is closed as KILLED and the last complete checkpoint is kept."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name
