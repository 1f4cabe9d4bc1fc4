"""Content keys and a small on-disk cache for numbers that depend only on the data version.

Real-image statistics and real-vs-real floors are computed once per dataset version: the key
is a hash of the prepared arrays' contents (not of the ``.npz`` files, whose zip timestamps
change on every ``prepare``) plus whatever else the numbers depend on (extractor, counts).
The cache lives in the project's state folder (or ``GANOPS_CACHE_DIR``), so that DVC runs and
Prefect runs share it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ganops.paths import atomic_path, write_text_atomic


def array_digest(*arrays: np.ndarray) -> str:
    digest = hashlib.md5()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def make_key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


def cache_dir(project_root: Path, kind: str) -> Path:
    from ganops.environment import cache_root

    return cache_root(project_root) / kind


def cached_json(path: Path, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    if path.is_file():
        return json.loads(path.read_text())
    value = compute()
    write_text_atomic(path, json.dumps(value, indent=2))
    return value


def cached_arrays(
    path: Path, compute: Callable[[], dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    if path.is_file():
        with np.load(path) as archive:
            return {name: archive[name] for name in archive.files}
    value = compute()
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        np.savez(handle, **value)
    return value
