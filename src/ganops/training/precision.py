"""Choose and apply the Keras mixed-precision policy, by measuring this machine.

CPU flags do not say whether a lower precision pays: on Intel CPUs with AMX, bfloat16 matmul
runs ~4x float32; on AMD Zen 4 (AVX-512 BF16, no AMX) ~1.8x; on Intel Xeons with AVX-512 BF16
but no AMX it is the slow path (~0.55x). So ``precision: auto`` times the candidate compute
types on a short probe shaped like a GAN step (a 5x5 convolution and a matmul, a second or two
in all) and picks the fastest that is numerically safe here: float16 only on a GPU (with loss
scaling), bfloat16 wherever it is faster, and float32 unless another type beats it by
``MARGIN``. The measurement is cached per machine and library version (``GANOPS_CACHE_DIR``),
and the choice and the speeds are recorded with each run (``ProbeResult``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import tensorflow as tf

from ganops.environment import cache_root

logger = logging.getLogger(__name__)

# A lower precision must beat float32 by this factor: within noise, exact arithmetic wins.
MARGIN = 1.15
ROUNDS = 2
POLICY_OF = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}


@dataclass(frozen=True)
class ProbeResult:
    """GFLOP/s per compute type on this machine and the policy chosen from them."""

    gflops: dict[str, float]
    policy: str
    machine: str

    def describe(self) -> str:
        speeds = ", ".join(f"{kind} {value:.0f}" for kind, value in self.gflops.items())
        return f"{self.policy} (measured GFLOP/s: {speeds})"


def machine_key() -> str:
    """What the measurement depends on: CPU model and count, accelerators, TensorFlow."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpus = [d.name for d in tf.config.list_logical_devices("GPU")]
    return f"{cpu} x{os.cpu_count()} | gpus {gpus} | tf {tf.__version__}"


def _candidates() -> list[str]:
    """float16 only with a GPU: on CPUs it is emulated, and without loss scaling unsafe."""
    return (
        ["float32", "bfloat16", "float16"]
        if tf.config.list_logical_devices("GPU")
        else [
            "float32",
            "bfloat16",
        ]
    )


def _probe_gflops(kind: str, seconds: float = 0.15) -> float:
    """GFLOP/s of a 5x5 convolution (as in the DCGAN) plus a 1024² matmul in ``kind``."""
    dtype = tf.as_dtype(kind)
    images = tf.cast(tf.random.stateless_normal((32, 14, 14, 64), (0, 1)), dtype)
    kernel = tf.cast(tf.random.stateless_normal((5, 5, 64, 64), (0, 2)), dtype)
    matrix = tf.cast(tf.random.stateless_normal((1024, 1024), (0, 3)), dtype)
    flops = 2 * 32 * 14 * 14 * 5 * 5 * 64 * 64 + 2 * 1024**3

    @tf.function(autograph=False)
    def step() -> tf.Tensor:
        conv = tf.nn.conv2d(images, kernel, 1, "SAME")
        return tf.reduce_sum(tf.cast(conv, tf.float32)) + tf.reduce_sum(
            tf.cast(tf.matmul(matrix, matrix), tf.float32)
        )

    step().numpy()  # trace and warm up
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or calls < 3:
        step().numpy()
        calls += 1
    return flops * calls / (time.perf_counter() - started) / 1e9


def choose(gflops: dict[str, float]) -> str:
    """The fastest type that beats float32 by ``MARGIN``, else float32, as a Keras policy."""
    best = max(gflops, key=gflops.__getitem__)
    if best != "float32" and gflops[best] >= MARGIN * gflops["float32"]:
        return POLICY_OF[best]
    return "float32"


def _cache_file(key: str) -> Path:
    return cache_root() / "precision" / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def probe() -> ProbeResult:
    """The cached measurement for this machine, or a new one (about a second)."""
    key = machine_key()
    cache = _cache_file(key)
    try:
        cached = json.loads(cache.read_text())
        if cached.get("machine") == key:
            return ProbeResult(cached["gflops"], cached["policy"], key)
    except (OSError, ValueError, KeyError):
        pass
    # Interleaved rounds, best of each: a load spike on a shared machine hits all types alike.
    kinds = _candidates()
    rounds = [[_probe_gflops(kind) for kind in kinds] for _ in range(ROUNDS)]
    gflops = {kind: round(max(r[i] for r in rounds), 1) for i, kind in enumerate(kinds)}
    result = ProbeResult(gflops, choose(gflops), key)
    try:
        from ganops.paths import write_text_atomic

        cache.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(cache, json.dumps(asdict(result), indent=2))
    except OSError as error:  # a read-only home: measure again next time
        logger.debug("precision probe not cached (%s)", error)
    return result


def resolve_precision(requested: str) -> tuple[str, ProbeResult | None]:
    """The policy for ``train.precision`` and, for ``auto``, the measurement behind it."""
    if requested != "auto":
        return requested, None
    result = probe()
    logger.info("precision auto: %s", result.describe())
    return result.policy, result


def apply_precision(requested: str) -> tuple[str, ProbeResult | None]:
    """Set the global policy before models are built; returns it and its measurement."""
    policy, result = resolve_precision(requested)
    keras.mixed_precision.set_global_policy(policy)
    return policy, result
