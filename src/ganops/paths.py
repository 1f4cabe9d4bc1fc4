"""Where each stage reads and writes, relative to one output root.

``dvc repro`` uses ``artifacts/``; each Prefect flow run gets ``runs/<run-name>/`` so that two
runs at once never share files. Stages exchange these paths, never models or tensors.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def _read_umask() -> int:
    """The process's umask; reading it means setting it, so it is read once, at import."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _read_umask()


@dataclass(frozen=True)
class RunPaths:
    root: Path

    @property
    def prepared(self) -> Path:
        return self.root / "prepared"

    @property
    def classifier(self) -> Path:
        """The domain classifier of the evaluation metrics and its summary."""
        return self.root / "classifier"

    @property
    def model_dir(self) -> Path:
        return self.root / "model"

    @property
    def generator(self) -> Path:
        return self.model_dir / "generator.keras"

    @property
    def run_info(self) -> Path:
        """The MLflow run id that train opened and evaluate/register continue."""
        return self.model_dir / "run.json"

    @property
    def train_state(self) -> Path:
        """Checkpoints and the progress kept across a crash (DVC: persist)."""
        return self.root / "train_state"

    @property
    def samples(self) -> Path:
        return self.root / "samples"

    @property
    def losses(self) -> Path:
        return self.root / "losses.tsv"

    @property
    def loss_plot(self) -> Path:
        return self.root / "plots" / "losses.png"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.json"

    @property
    def evaluation(self) -> Path:
        return self.root / "evaluation"

    @property
    def registration(self) -> Path:
        return self.root / "registration.json"


def inside(root: Path, relative: str, what: str) -> Path:
    """``root / relative``, refusing paths that escape ``root`` (absolute, ``..``, links).

    For paths that come from people other than the machine's user (the Prefect form), so
    that nobody can make a run write outside the project's output folders.
    """
    from ganops.errors import ConfigError

    candidate = (root / relative).resolve()
    if Path(relative).is_absolute() or not candidate.is_relative_to(root.resolve()):
        raise ConfigError(
            f"{what}: {relative!r} is outside the project folder {root}",
            hint="give a folder relative to the project, e.g. runs",
        )
    return candidate


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place only on success.

    A crash mid-write leaves the old ``target`` (or nothing), never a half-written file that a
    later stage could mistake for a complete output.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent
    )
    # mkstemp makes the file private (0600); an output gets the usual bits (0666 less umask).
    os.fchmod(fd, 0o666 & ~UMASK)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text)
