"""Where the default datasets come from on a machine without internet: Debian packages.

``import_raw_data`` copies their files byte-identical into ``data/`` so that ``data.dvc`` pins
the exact bytes; DVC then versions them and pushes them to the remote.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ganops.errors import EnvironmentSetupError


@dataclass(frozen=True)
class SystemSource:
    name: str
    debian_package: str
    folder: Path
    # None: every regular file except the suffixes below (the fortunes index files).
    files: tuple[str, ...] | None = None
    skip_suffixes: tuple[str, ...] = ()

    def source_files(self) -> list[Path]:
        if self.files is not None:
            return [self.folder / name for name in self.files]
        return sorted(
            path
            for path in self.folder.iterdir()
            if path.is_file() and path.suffix not in self.skip_suffixes
        )


FASHION_MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

SOURCES = {
    "fashion-mnist": SystemSource(
        "fashion-mnist",
        "dataset-fashion-mnist",
        Path("/usr/share/datasets/fashion-mnist"),
        files=FASHION_MNIST_FILES,
    ),
    "fortunes": SystemSource(
        "fortunes", "fortunes", Path("/usr/share/games/fortunes"), skip_suffixes=(".dat", ".u8")
    ),
}


def missing_packages() -> list[str]:
    return [
        source.debian_package
        for source in SOURCES.values()
        if not source.folder.is_dir() or not all(p.is_file() for p in source.source_files())
    ]


def import_raw_data(data_dir: Path) -> list[Path]:
    """Copy every default dataset into ``data_dir/<name>/``; returns the files written."""
    missing = missing_packages()
    if missing:
        raise EnvironmentSetupError(
            "the default datasets are not installed: " + ", ".join(missing),
            hint="as root: apt-get install -y " + " ".join(missing),
        )
    written = []
    for source in SOURCES.values():
        target_dir = data_dir / source.name
        target_dir.mkdir(parents=True, exist_ok=True)
        for path in source.source_files():
            target = target_dir / path.name
            if not target.exists() or target.read_bytes() != path.read_bytes():
                shutil.copyfile(path, target)
            written.append(target)
    return written
