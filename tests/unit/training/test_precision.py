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


def _trainer(policy: str):
    # No dropout: TensorFlow draws a dropout mask in its input's dtype, so float16 and float32
    # would train on different masks, a difference that is not rounding.
    config = TrainConfig(
        precision=policy, latent_dim=8, batch_size=16, grid_size=2, seed=3, d_dropout=0.0
    )
    return image_trainer(config, (28, 28, 1))


def _weights(trainer) -> np.ndarray:
    models = (trainer.generator, trainer.discriminator)
    return np.concatenate([v.numpy().ravel() for m in models for v in m.trainable_variables])


def test_float16_with_loss_scaling_trains_like_float32() -> None:
    """Five steps from the same start. Losses agree to 1e-3 (measured ~1e-4). Weights: the
    float16 run's drift from the float32 run is under 15 % of how far float32 moved them (L2;
    measured 7.8 %), and no weight strays further than Adam can carry it (~lr per step, so
    2·lr·steps where float16 rounding flips the sign of a near-zero gradient; measured max
    1.1e-3 of 2e-3)."""
    batches = np.random.default_rng(0).uniform(-1, 1, (5, 16, 28, 28, 1)).astype("float32")
    losses, start, end = {}, {}, {}
    for policy in ("float32", "mixed_float16"):
        trainer = _trainer(policy)
        start[policy] = _weights(trainer)
        losses[policy] = np.array([[float(x) for x in trainer.train_step(b)] for b in batches])
        end[policy] = _weights(trainer)
        if policy == "mixed_float16":  # no step was skipped: the scale never dropped
            assert float(trainer.d_optimizer.dynamic_scale.numpy()) == 2.0**15
            assert float(trainer.g_optimizer.dynamic_scale.numpy()) == 2.0**15
        keras.mixed_precision.set_global_policy("float32")
    np.testing.assert_array_equal(start["mixed_float16"], start["float32"])
    np.testing.assert_allclose(losses["mixed_float16"], losses["float32"], atol=1e-3)
    moved = end["float32"] - start["float32"]
    drift = end["mixed_float16"] - end["float32"]
    assert np.linalg.norm(drift) <= 0.15 * np.linalg.norm(moved)
    assert np.abs(drift).max() <= 2 * TrainConfig().d_learning_rate * len(batches)


def test_float16_overflow_is_skipped_by_the_loss_scale() -> None:
    """A loss scale so large that the scaled gradients overflow float16 (inf) in the
    discriminator: that step leaves D's weights as they were and halves the scale, instead of
    writing inf/NaN into them; the generator (its own scale) still moves."""
    trainer = _trainer("mixed_float16")
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)), tf.float32)
    trainer.train_step(real)  # traced and stepped once normally
    d_before = [v.numpy() for v in trainer.discriminator.trainable_variables]
    g_before = _weights(trainer)[: -sum(d.size for d in d_before)]
    trainer.d_optimizer.dynamic_scale.assign(2.0**40)  # 2^40 x a gradient ~1e-2 > 65504
    d_loss, g_loss = trainer.train_step(real)
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    assert float(trainer.d_optimizer.dynamic_scale.numpy()) == 2.0**39
    for before, variable in zip(d_before, trainer.discriminator.trainable_variables, strict=True):
        np.testing.assert_array_equal(variable.numpy(), before)
    g_after = _weights(trainer)[: len(g_before)]
    assert np.isfinite(g_after).all() and not np.array_equal(g_after, g_before)
    d_loss, _ = trainer.train_step(real)  # and training goes on, at the lower scale
    assert np.isfinite(float(d_loss))
