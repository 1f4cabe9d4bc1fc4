"""The end-of-run summary and failure text shown as Prefect artifacts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ganops.errors import ConfigError
from ganops.evaluation.pictures import save_grid
from ganops.report import failure_markdown, metrics_table, summary_markdown, terminal_summary


def test_metrics_table_puts_each_floor_beside_its_metric() -> None:
    table = metrics_table(
        {"fid_domain": 12.5, "fid_domain_floor": 0.75, "classes_seen": 10, "class_entropy": -0.0}
    )
    lines = table.splitlines()
    assert "| `fid_domain` | 12.5 | 0.75 |" in lines
    assert "| `classes_seen` | 10 |  |" in lines
    assert "| `class_entropy` | 0 |  |" in lines  # not "-0"
    assert not any("`fid_domain_floor`" in line for line in lines)


def test_summary_has_version_aliases_run_link_metrics_and_picture(tmp_path: Path) -> None:
    picture = save_grid(np.zeros((4, 8, 8, 1), np.float32), tmp_path / "s.png", columns=2)
    results = {
        "train": {"run_id": "abc", "epochs": 1, "steps": 8, "images_per_second": 100.0},
        "evaluate": {"fid_domain": 3.0, "fid_domain_floor": 0.5},
        "register": {"model_name": "m", "version": "4", "run_id": "abc", "reason": "first"},
    }
    text = summary_markdown(
        "image-gan", results, picture, "http://127.0.0.1:5000", None, "7", ["candidate", "champion"]
    )
    assert "http://127.0.0.1:5000/#/experiments/7/runs/abc" in text
    assert "http://127.0.0.1:5000/#/models/m/versions/4" in text
    assert "`candidate`, `champion`" in text
    assert "| `fid_domain` | 3 | 0.5 |" in text
    assert "data:image/png;base64," in text


def test_summary_without_a_ui_url_names_the_store(tmp_path: Path) -> None:
    text = summary_markdown("t", {"train": {"run_id": "r"}}, tmp_path / "none.png", "sqlite:///x")
    assert "`sqlite:///x`" in text and "`r`" in text and "no samples picture" in text


def test_failure_names_the_stage_the_error_and_the_hint() -> None:
    text = failure_markdown("image-gan", "train", ConfigError("train.batch_size too big", "lower"))
    assert "stage `train`" in text and "ConfigError" in text
    assert "train.batch_size too big" in text and "Hint: lower" in text


def test_run_summary_lists_text_metrics_floors_and_samples(tmp_path: Path) -> None:
    samples = tmp_path / "samples.txt"
    samples.write_text("hello there\ngeneral\n", "utf-8")
    results = {
        "evaluate": {"jsd_4": 0.5, "jsd_4_floor": 0.25, "n_generated": 100},
        "register": {"run_id": "abc", "model_name": "m", "version": "3", "reason": "first"},
    }
    text = summary_markdown("text-gan", results, samples, "sqlite:///mlflow.db")
    assert "| `jsd_4` | 0.5 | 0.25 |" in text and "```text\nhello there\ngeneral\n```" in text
    assert "`models:/m/3`" in text and "base64" not in text


def test_the_terminal_summary_fits_a_terminal_and_shows_only_metrics_with_floors() -> None:
    results = {
        "train": {"seconds": 600.0, "steps": 25299, "images_per_second": 2700.0,
                  "precision": "float32", "stopped_by": "max_seconds"},
        "evaluate": {"fid_domain": 9.5, "fid_domain_floor": 0.41, "n_fake": 10000,
                     "feature_space_domain": "a long description that no terminal wants"},
        "register": {"model_name": "m", "version": "4", "metric": "fid_domain", "value": 9.5,
                     "reason": "first version: champion"},
    }  # fmt: skip
    text = terminal_summary(results, Path("artifacts/evaluation/samples.png"))
    lines = text.splitlines()
    assert lines[1].split() == ["fid_domain", "9.5", "0.41"]
    assert not any("n_fake" in line or "long description" in line for line in lines)
    assert "10.0 min, 25299 steps" in text and "stopped by max_seconds" in text
    assert "models:/m/4 (fid_domain 9.5): first version: champion" in text
    assert lines[-1] == "samples: artifacts/evaluation/samples.png"
    assert max(len(line) for line in lines[:3]) <= 80
