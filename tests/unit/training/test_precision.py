"""Precision ``auto``: bfloat16 on CPUs with BF16 units, float16 + loss scaling on GPU, else
float32; losses and output layers stay float32 under every policy."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganops.config import TrainConfig
from ganops.training import precision
from ganops.training.trainer import image_trainer

READ_FLAGS = precision.cpu_supports_bf16  # the real parser, pointed at a fake cpuinfo


@pytest.fixture(autouse=True)
def _float32_policy():
    yield
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize(
    ("flags", "gpus", "expected"),
    [
        ("fpu sse avx512f amx_bf16 amx_tile", [], "mixed_bfloat16"),
        ("fpu sse avx512f avx512_bf16", [], "mixed_bfloat16"),
        ("fpu sse avx2", [], "float32"),
        ("fpu sse avx2", ["GPU:0"], "mixed_float16"),
    ],
)
def test_auto_picks_by_hardware(
    flags: str, gpus: list, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    monkeypatch.setattr(precision, "cpu_supports_bf16", lambda: READ_FLAGS(cpuinfo))
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: gpus)
    assert precision.resolve_precision("auto") == expected
    assert precision.resolve_precision("float32") == "float32"  # explicit wins


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_step_keeps_outputs_and_losses_float32(policy: str) -> None:
    config = TrainConfig(precision=policy, latent_dim=8, batch_size=4, grid_size=2)
    trainer = image_trainer(config, (28, 28, 1))
    assert trainer.precision == policy
    assert trainer.generator.output.dtype == "float32"
    assert trainer.discriminator.output.dtype == "float32"
    if policy == "mixed_float16":  # small gradients would underflow without loss scaling
        assert isinstance(trainer.d_optimizer, keras.optimizers.LossScaleOptimizer)
    real = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    d_loss, g_loss = trainer.train_step(real)
    assert d_loss.dtype == tf.float32 and g_loss.dtype == tf.float32
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
