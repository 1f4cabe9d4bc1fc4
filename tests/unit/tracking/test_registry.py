"""The quality gate: a margin, both directions, never NaN."""

from __future__ import annotations

import math

from ganops.tracking.registry import is_better


def test_gate_lower_is_better_with_margin() -> None:
    assert is_better(10.0, 12.0, lower_is_better=True, margin=1.0)
    assert not is_better(11.5, 12.0, lower_is_better=True, margin=1.0)
    assert not is_better(13.0, 12.0, lower_is_better=True, margin=0.0)


def test_gate_higher_is_better() -> None:
    assert is_better(0.9, 0.8, lower_is_better=False, margin=0.05)
    assert not is_better(0.82, 0.8, lower_is_better=False, margin=0.05)


def test_gate_never_promotes_nan() -> None:
    assert not is_better(math.nan, 12.0, lower_is_better=True, margin=0.0)
