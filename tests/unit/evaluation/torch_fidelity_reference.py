"""torch-fidelity's FID and KID on fixed feature arrays, the reference for ``test_frechet``
and ``test_kid`` (the fixture is in this folder's ``conftest.py``, so that it runs once per
session). Computed in a child process: importing the package imports torchvision, which
crashes (SIGSEGV) a process that has already imported TensorFlow, as the rest of this test
session has."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest


def feature_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    mixing = rng.standard_normal((32, 32)) / 6
    return {
        # Correlated Gaussians with different means and covariances, float64.
        "low_a": rng.standard_normal((600, 32)),
        "low_b": rng.standard_normal((600, 32)) @ (np.eye(32) + mixing) + 0.3,
        # Inception-like: non-negative float32 features, more dimensions than for the KID
        # case below would make FID's covariances singular at these counts.
        "wide_a": np.abs(rng.standard_normal((900, 256))).astype(np.float32),
        "wide_b": (np.abs(rng.standard_normal((900, 256))) * 1.2 + 0.05).astype(np.float32),
        # KID at Inception's 2048 dimensions.
        "inception_a": np.abs(rng.standard_normal((200, 2048))).astype(np.float32),
        "inception_b": (np.abs(rng.standard_normal((200, 2048))) * 1.1).astype(np.float32),
    }


SCRIPT = """
import json, sys
import numpy as np
import torch
from torch_fidelity.metric_fid import fid_features_to_statistics, fid_statistics_to_metric
from torch_fidelity.metric_kid import kid_features_to_metric

arrays = {name: torch.from_numpy(value) for name, value in np.load(sys.argv[1]).items()}
result = {}
for case in ("low", "wide", "inception"):
    a, b = arrays[f"{case}_a"], arrays[f"{case}_b"]
    if case != "inception":
        stats = [fid_features_to_statistics(x) for x in (a, b)]
        fid = fid_statistics_to_metric(*stats, verbose=False)
        result[f"fid_{case}"] = fid["frechet_inception_distance"]
    # One subset of the full size: the exact estimate, whatever the subset draws.
    kid = kid_features_to_metric(a, b, kid_subsets=1, kid_subset_size=len(a), verbose=False)
    result[f"kid_{case}"] = kid["kernel_inception_distance_mean"]
print(json.dumps(result))
"""


def torch_fidelity_values(folder: Path) -> dict[str, float]:
    for package in ("torch", "torchvision", "torch_fidelity"):
        if importlib.util.find_spec(package) is None:
            pytest.skip(
                f"{package} is not installed (the tests' reference: pip install '.[inception]')"
            )
    path = folder / "features.npz"
    np.savez(path, **feature_arrays())
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
