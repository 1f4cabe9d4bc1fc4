"""The quality-diversity curve of a text generator (Caccia et al. 2020): one point per
sampling temperature, BLEU-4 against held-out text (quality) over Self-BLEU-4 (diversity;
lower is more diverse), with the held-out text's own point; and the temperature the
registered model samples at.

A model at one temperature can trade diversity for quality, so models are compared by curves,
not points; the gate still needs one temperature for the registered model: the one whose
samples are at least as diverse as real text (Self-BLEU-4 no higher than the held-out
text's) with the lowest 4-gram JSD, else the most diverse one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

Sweep = Mapping[float, Mapping[str, Any]]


def choose_temperature(sweep: Sweep) -> float:
    """The registered model's temperature (module docstring)."""
    diverse = [t for t, m in sweep.items() if m["self_bleu_4"] <= m["self_bleu_4_floor"]]
    if diverse:
        return min(diverse, key=lambda t: sweep[t]["jsd_4"])
    return min(sweep, key=lambda t: sweep[t]["self_bleu_4"])


def save_curve(
    sweep: Sweep,
    chosen: float,
    path: Path,
    others: Mapping[str, Sweep] | None = None,
) -> Path:
    """PNG: BLEU-4 over Self-BLEU-4, one labelled point per temperature, the chosen one
    ringed, ``others`` (e.g. the MLE model's sweep) beside, and the held-out text's point."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ganops.paths import atomic_path

    figure, axis = plt.subplots(figsize=(6.5, 4.5), dpi=110)
    for label, points in {"this model": sweep, **(others or {})}.items():
        temperatures = sorted(points)
        x = [points[t]["self_bleu_4"] for t in temperatures]
        y = [points[t]["bleu_4"] for t in temperatures]
        axis.plot(x, y, marker="o", label=label)
        for t, xi, yi in zip(temperatures, x, y, strict=True):
            axis.annotate(
                f"T={t:g}", (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=7
            )
    point = sweep[chosen]
    axis.scatter([point["self_bleu_4"]], [point["bleu_4"]], s=160, facecolors="none",
                 edgecolors="black", label=f"registered (T={chosen:g})")  # fmt: skip
    axis.scatter([point["self_bleu_4_floor"]], [point["bleu_4_floor"]], marker="*", s=160,
                 color="tab:red", label="held-out text")  # fmt: skip
    axis.set_xlabel("Self-BLEU-4 (lower = more diverse)")
    axis.set_ylabel("BLEU-4 vs held-out text (higher = better quality)")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png")
    plt.close(figure)
    return path
