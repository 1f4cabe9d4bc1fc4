"""Precision ``auto`` is chosen by measuring the candidate compute types on this machine;
losses and output layers stay float32 under every policy."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganops.config import TrainConfig
from ganops.training import precision
from ganops.training.trainer import image_trainer


@pytest.fixture(autouse=True)
def _float32_policy():
    yield
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize(
    ("gflops", "expected"),
    [
        ({"float32": 320.0, "bfloat16": 1400.0}, "mixed_bfloat16"),  # Intel with AMX
        ({"float32": 215.0, "bfloat16": 390.0}, "mixed_bfloat16"),  # AMD Zen 4
        ({"float32": 300.0, "bfloat16": 163.0}, "float32"),  # AVX-512 BF16 without AMX
        ({"float32": 300.0, "bfloat16": 320.0}, "float32"),  # within noise: exact wins
        ({"float32": 300.0, "bfloat16": 900.0, "float16": 1800.0}, "mixed_float16"),  # a GPU
    ],
)
def test_the_fastest_safe_type_wins_by_a_margin(gflops: dict, expected: str) -> None:
    assert precision.choose(gflops) == expected


def test_auto_measures_once_per_machine_and_explicit_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GANOPS_CACHE_DIR", str(tmp_path))
    measured: list[str] = []
    real_probe = precision._probe_gflops

    def counting(kind: str, seconds: float = 0.15) -> float:
        measured.append(kind)
        return real_probe(kind, seconds=0.05)

    monkeypatch.setattr(precision, "_probe_gflops", counting)
    policy, result = precision.resolve_precision("auto")
    assert result is not None and policy == result.policy
    assert set(result.gflops) == {"float32", "bfloat16"} and min(result.gflops.values()) > 0
    assert policy in ("float32", "mixed_bfloat16")
    assert "measured GFLOP/s: float32" in result.describe()
    again, _ = precision.resolve_precision("auto")  # from the cache: nothing measured
    assert again == policy and measured == ["float32", "bfloat16"] * precision.ROUNDS
    assert list(tmp_path.glob("precision/*.json"))
    assert precision.resolve_precision("float32") == ("float32", None)


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
