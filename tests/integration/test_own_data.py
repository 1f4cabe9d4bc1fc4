"""Data the project does not ship, made at run time, through the README's own commands and
the defaults: a folder of drawn shapes in class subfolders, and a file of generated lines of
varied length. Checks that the training length fits the data, that every floor is at the
counts of its value, that what is promoted is sane, and that text comes back as strings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mlflow.tracking import MlflowClient
from PIL import Image, ImageDraw

from tests.conftest import PROJECT_ROOT, subprocess_env
from tests.integration.test_examples_images import EXAMPLES, run

pytestmark = pytest.mark.integration

SHAPES = ("circle", "square", "triangle", "cross")


def draw_shapes(folder: Path, per_class: int, seed: int = 0) -> Path:
    """28x28 grayscale pictures of one shape each, at a random place, size and brightness."""
    rng = np.random.default_rng(seed)
    for shape in SHAPES:
        (folder / shape).mkdir(parents=True)
        for index in range(per_class):
            picture = Image.new("L", (28, 28), 0)
            pen = ImageDraw.Draw(picture)
            size = int(rng.integers(7, 13))
            x, y = (int(v) for v in rng.integers(size, 28 - size, 2))
            shade = int(rng.integers(140, 256))
            box = (x - size, y - size, x + size, y + size)
            if shape == "circle":
                pen.ellipse(box, fill=shade)
            elif shape == "square":
                pen.rectangle(box, fill=shade)
            elif shape == "triangle":
                pen.polygon([(x, y - size), (x - size, y + size), (x + size, y + size)], fill=shade)
            else:
                pen.line((x - size, y, x + size, y), fill=shade, width=3)
                pen.line((x, y - size, x, y + size), fill=shade, width=3)
            picture.save(folder / shape / f"{index:04d}.png")
    return folder


def test_a_folder_of_shapes_with_the_defaults_and_a_time_budget(
    tmp_path: Path, mlflow_uri: str
) -> None:
    folder = draw_shapes(tmp_path / "shapes", per_class=150)
    out = tmp_path / "out"
    budget = ["--set", "train.max_seconds=60", "--set", "evaluate.kid_subset_size=200"]
    printed = run(
        [
            "bash",
            str(EXAMPLES / "own_image_folder.sh"),
            str(folder),
            "shapes",
            *budget,
            "--out",
            str(out),
        ],
        subprocess_env(),
    )
    summary = json.loads(printed[: printed.rindex("}") + 1])
    prepared, train = summary["prepare"], summary["train"]
    assert prepared["class_names"] == sorted(SHAPES) and prepared["n_train"] == 540
    # The time budget ends training, not a count of passes over 540 images: many passes.
    assert train["stopped_by"] == "max_seconds" and train["epochs"] > 10
    assert train["kimg"] == pytest.approx(train["steps"] * 64 / 1000, abs=0.01)

    metrics = summary["evaluate"]
    # Every floor at the counts of its value: as many real training images as fakes.
    assert metrics["n_fake"] == prepared["n_train"] and metrics["n_real"] == prepared["n_test"]
    for name in ("fid_domain", "kid_domain", "sample_spread", "classes_seen"):
        assert f"{name}_floor" in metrics
    assert metrics["fid_domain"] >= metrics["fid_domain_floor"]

    registration = summary["register"]
    # The domain classifier learned the shapes (it trains min_steps whatever the data size).
    assert metrics["classifier_test_accuracy"] > 0.9 and metrics["classes_seen_floor"] == 4
    if registration["promoted"]:  # only a sane generator can be champion
        assert metrics["sample_spread"] >= 0.25 * metrics["sample_spread_floor"]
        assert metrics["classes_seen"] > 1
    else:
        assert registration["reason"].startswith("refused by the sanity check")
    client = MlflowClient(mlflow_uri, mlflow_uri)
    assert str(client.get_model_version_by_alias("shapes", "candidate").version) == "1"

    import ganops

    images = ganops.load_generator("models:/shapes@candidate").sample(16, seed=0)
    assert images.shape == (16, 28, 28, 1) and 0.0 <= images.min() <= images.max() <= 1.0


def generated_lines(count: int, seed: int = 0) -> list[str]:
    """Sentences of a made-up language, 10 to 80 characters: most longer than 32."""
    rng = np.random.default_rng(seed)
    syllables = ["ka", "lo", "mi", "ren", "to", "sa", "vu", "ne", "qi", "dor"]
    lines = []
    for _ in range(count):
        words = [
            "".join(rng.choice(syllables, int(rng.integers(1, 4))))
            for _ in range(int(rng.integers(2, 14)))
        ]
        lines.append(" ".join(words).capitalize() + ".")
    return lines


def test_text_lines_longer_than_the_sample_length_get_advice_and_strings_come_back(
    tmp_path: Path, mlflow_uri: str
) -> None:
    lines = generated_lines(1200)
    share_long = sum(len(line) > 32 for line in lines) / len(lines)
    assert 0.5 < share_long < 1.0
    text_file = tmp_path / "made-up.txt"
    text_file.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    command = [
        "bash", str(EXAMPLES / "own_text_file.sh"), str(text_file), "made-up",
        "--set", "train.max_seconds=60", "--out", str(out),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Prepare said what share was cut and what to set instead.
    assert f"({share_long:.0%}) were cut to text.max_length 32 characters" in result.stderr
    assert "Set text.max_length: " in result.stderr

    import ganops

    samples = ganops.load_generator("models:/made-up@candidate").sample(20, seed=0)
    assert samples.shape == (20,) and all(isinstance(text, str) for text in samples)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["blank_share"] < 0.5 and metrics["distinct_share"] > 0.5
