"""Evaluation: feature spaces, sample-quality metrics and pictures (grids, loss curves)."""
