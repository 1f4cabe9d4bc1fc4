"""Salimans et al. 2016's techniques at equal wall time on Fashion-MNIST, one at a time.

Each variant trains the default model (params.yaml) for the same number of seconds (or, with
--steps, the same number of steps: on a shared machine the load changes steps per second
more than any technique does), then the
evaluate stage's fast metrics (domain FID/KID, precision/recall, class coverage, classifier
score) are computed on the same 10,000 seeds. The baseline (every option off) runs in the
same session, first and last, so drift in the shared machine's load shows up as the spread
between the two.

    python benchmarks/improved_techniques.py --seconds 180 --set train.ema_decay=0 \
        --out benchmarks/results/improved_techniques.json

Outputs go under .ganops/benchmarks/ (prepared data, classifier); the table is printed and,
with --out, written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganops.environment import configure  # noqa: E402

configure(ROOT)

VARIANTS: dict[str, dict[str, object]] = {
    "baseline": {},
    "label_smoothing=0.1": {"label_smoothing": 0.1},
    "feature_matching=added (w 10)": {"feature_matching": "added", "feature_matching_weight": 10},
    "feature_matching=alone": {"feature_matching": "alone"},
    "minibatch=stddev": {"minibatch": "stddev"},
    "minibatch=discrimination": {"minibatch": "discrimination"},
    "historical_averaging=0.001": {"historical_averaging": 0.001},
    "baseline (again)": {},
}
SHOWN = (
    "fid_domain",
    "kid_domain",
    "precision_domain",
    "recall_domain",
    "class_entropy",
    "classes_seen",
    "classifier_score",
)


def train_for(config, image_shape, images, seconds: float, max_steps: int = 0):
    """Train until ``seconds`` have passed, or for ``max_steps`` steps when given, counted
    after the first step (graph tracing: it trains but is not timed or counted); returns
    (trainer, steps, training seconds)."""
    from ganops.data.pipeline import ImageBatches
    from ganops.training.trainer import image_trainer

    trainer = image_trainer(config, image_shape)
    source = ImageBatches(images, config.batch_size, seed=config.seed)
    steps, started, epoch = 0, None, 0
    while True:
        for real in source(epoch):
            trainer.train_step(real, (steps + 1) % config.d_steps == 0)
            if started is None:  # graph tracing is not training time
                started = time.perf_counter()
                continue
            steps += 1
            done = steps >= max_steps if max_steps else time.perf_counter() - started >= seconds
            if done:
                return trainer, steps, time.perf_counter() - started
        epoch += 1


def markdown_table(result: dict) -> str:
    """The rows of a results file as a markdown table, real data last."""
    head = ["variant", "steps", "s", *SHOWN]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in result["rows"]:
        cells = [row["variant"], row["steps"], row["seconds"], *(row[k] for k in SHOWN)]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    real = result["real_data"]
    cells = ["real data (floor / ceiling)", "", "", *(real.get(k, "") for k in SHOWN)]
    lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--steps", type=int, default=0, help="equal steps instead of equal seconds")
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="params.yaml override"
    )
    parser.add_argument("--table", type=Path, help="print a results file as markdown, exit")
    args = parser.parse_args()
    if args.table:
        print(markdown_table(json.loads(args.table.read_text())))
        return

    from ganops import stages
    from ganops.config import load_config, parse_override
    from ganops.data.prepare import load_split
    from ganops.evaluation.classifier import load_classifier
    from ganops.evaluation.feature_cache import cache_dir
    from ganops.evaluation.image_metrics import evaluate_generator
    from ganops.paths import RunPaths

    base = load_config(ROOT / "params.yaml", dict(parse_override(o) for o in args.set))
    paths = RunPaths(ROOT / ".ganops" / "benchmarks" / "improved")
    if not (paths.prepared / "summary.json").is_file():
        stages.prepare(base, paths, ROOT)
    stages.classifier(base, paths, ROOT)
    classifier = load_classifier(paths.classifier)
    train = load_split(paths.prepared / "train.npz")
    test = load_split(paths.prepared / "test.npz")
    image_shape = tuple(train.images.shape[1:])

    rows = []
    for name in args.variants:
        config = base.train.model_copy(
            update={"improved": base.train.improved.model_copy(update=VARIANTS[name])}
        )
        config = type(config).model_validate(config.model_dump())  # validate the variant
        load = os.getloadavg()[0]
        trainer, steps, seconds = train_for(
            config, image_shape, train.images, args.seconds, args.steps
        )
        metrics, _ = evaluate_generator(
            trainer.sampling_generator,
            train.images,
            test.images,
            base.evaluate,
            classifier,
            cache_dir(ROOT, "evaluation"),
        )
        row = {
            "variant": name,
            "steps": steps,
            "seconds": round(seconds, 1),
            "steps_per_second": round(steps / seconds, 2),
            "load_average_at_start": round(load, 2),
            **{k: round(float(metrics[k]), 4) for k in SHOWN},
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    floors = {k: round(float(metrics[f"{k}_floor"]), 4) for k in SHOWN if f"{k}_floor" in metrics}
    result = {
        "budget": f"{args.steps} steps" if args.steps else f"{args.seconds:g} s",
        "overrides": args.set,
        "precision": trainer.precision,
        "n_fake": metrics["n_fake"],
        "n_real": metrics["n_real"],
        "real_data": floors,
        "rows": rows,
    }
    print(json.dumps({"real_data": floors}), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
