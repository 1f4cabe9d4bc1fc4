"""Standard FID after fixed training budgets, per recipe: what a CPU-minute buys.

Each recipe trains once. ganops recipes resume from their own checkpoint segment by segment
(exact resume: the segments are one run) and the EMA generator is saved at every budget point;
the TensorFlow DCGAN tutorial's loop (the anchor) saves its generator at the same points. The
saved generators are then evaluated by the standard protocol (InceptionV3 through
``ganops.evaluation.inception``: 8-bit images, TF 1 resize; ``--n`` generated images, seeds
1234 onward, against the first ``--n`` test images) beside the floor at the same counts (the
first ``--n`` training images against the same test images). Results go to
``benchmarks/results/time_to_quality.json``; ``--plot`` draws FID against minutes.

Budget clock: ``wall`` (an otherwise idle machine) or ``cpu``: the process's CPU seconds
divided by the cores, "minutes of 2 cores" on a machine shared with other jobs (the trainer's
spin-waits count too, so it errs on the slow side). Each resumed segment's tracing is inside
its budget.

    python benchmarks/time_to_quality.py --train --recipes tutorial,wide-b256,default,one-hour
    python benchmarks/time_to_quality.py --evaluate --n 10000
    python benchmarks/time_to_quality.py --plot docs/images/time-to-quality.png

A recipe is a name below, or NAME=PARAMS_FILE[,key=value...] for any parameters file and
overrides (``default=params.yaml``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganops.environment import configure, import_tensorflow_quietly  # noqa: E402

configure(ROOT)
import_tensorflow_quietly()

RESULTS = ROOT / "benchmarks" / "results" / "time_to_quality.json"
WORK = ROOT / ".ganops" / "time-to-quality"
# Named recipes: a parameters file and overrides. "wide-b256" is the DCGAN and batch that
# ganops used before this benchmark chose the defaults.
RECIPES = {
    "default": ("params.yaml", {}),
    "one-hour": ("params-1h.yaml", {}),
    "wide-b256": (
        "params.yaml",
        {
            "train.batch_size": 256,
            "train.g_channels": 256,
            "train.d_channels": 64,
            "train.kernel_size": 5,
            "train.improved.minibatch": "none",
        },
    ),
}


def clock_of(name: str) -> Callable[[], float]:
    if name == "cpu":
        cores = os.cpu_count() or 1
        return lambda: time.process_time() / cores
    return time.perf_counter


def fashion_mnist(split: str) -> np.ndarray:
    from ganops.data.idx import read_split
    from ganops.data.sources import SOURCES

    folder = ROOT / "data" / "fashion-mnist"
    if not folder.is_dir():
        folder = SOURCES["fashion-mnist"].folder
    return read_split(folder, split)[0][..., None]


def parse_recipe(text: str) -> tuple[str, str, dict]:
    """NAME, or NAME=PARAMS_FILE[,key=value...] -> (name, params file, overrides)."""
    from ganops.config import parse_override

    name, _, spec = text.partition("=")
    if not spec:
        if name == "tutorial":
            return name, "", {}
        params, overrides = RECIPES[name]
        return name, params, dict(overrides)
    params, *pairs = spec.split(",")
    return name, params, dict(parse_override(pair) for pair in pairs)


def train_ganops(name: str, params: str, overrides: dict, minutes: list[float], clock: str):
    """Train the recipe once for the largest budget (learning-rate schedules see the whole
    run), saving the EMA generator at the first snapshot past each budget point."""
    import keras

    from ganops.config import load_config
    from ganops.data.pipeline import ImageBatches
    from ganops.training.callbacks import TrainingCallbacks
    from ganops.training.trainer import image_trainer

    images = fashion_mnist("train")
    folder = WORK / name
    todo = [m for m in minutes if not (folder / f"generator_{m:g}min.keras").is_file()]
    if not todo:
        return
    length = {
        "train.max_seconds": max(minutes) * 60,
        "train.epochs": 0,
        "train.kimg": 0,
        "train.snapshot_kimg": 10,  # budget points within ~5 s
        "train.quick_eval_samples": 0,  # the budget points are kept instead of a "best"
    }
    config = load_config(ROOT / params, {**overrides, **length}).train
    trainer = image_trainer(config, images.shape[1:])
    trainer.budget_clock = clock_of(clock)

    class SaveAtBudgets(TrainingCallbacks):
        def on_snapshot(self, epoch: int, samples: np.ndarray, losses: list) -> None:
            seconds = float(trainer.trained_seconds.numpy())
            while todo and seconds >= todo[0] * 60:
                budget = todo.pop(0)
                keras.saving.save_model(
                    trainer.sampling_generator, folder / f"generator_{budget:g}min.keras"
                )
                steps = int(trainer.step.numpy())
                record(
                    name,
                    budget,
                    {
                        "steps": steps,
                        "kimg": round(steps * config.batch_size / 1000, 1),
                        "trained_minutes": round(seconds / 60, 2),
                        "clock": clock,
                    },
                )
                print(f"{name}: {budget:g} min -> {steps} steps", flush=True)

    folder.mkdir(parents=True, exist_ok=True)
    trainer.fit(
        ImageBatches(images, config.batch_size, config.seed), folder / "state", SaveAtBudgets()
    )


def train_tutorial(minutes: list[float], clock: str) -> None:
    """The TF DCGAN tutorial, as published (batch 256, Adam 1e-4, no EMA), to each budget."""
    import keras
    from throughput import Tutorial

    folder = WORK / "tutorial"
    tick = clock_of(clock)
    tutorial = Tutorial(fashion_mnist("train"))
    batches = iter(tutorial.dataset.repeat())
    spent, steps, last = 0.0, 0, tick()  # tracing included, as in ganops' budgets
    for budget in minutes:
        target = folder / f"generator_{budget:g}min.keras"
        while spent < budget * 60:
            tutorial.train_step(next(batches))
            now = tick()
            spent, last, steps = spent + now - last, now, steps + 1
        folder.mkdir(parents=True, exist_ok=True)
        keras.saving.save_model(tutorial.generator, target)
        record(
            "tutorial", budget, {"steps": steps, "kimg": round(steps * 0.256, 1), "clock": clock}
        )
        print(f"tutorial: {budget:g} min -> {steps} steps", flush=True)


def record(recipe: str, minutes: float, values: dict) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    row = results.setdefault(recipe, {}).setdefault(f"{minutes:g}", {})
    row.update(values)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))


def evaluate(n: int, points: set[str] | None = None) -> None:
    """Standard FID of every saved generator without one (or of ``points``, RECIPE:MINUTES),
    and the floor, at n vs n."""
    from ganops.evaluation.feature_cache import array_digest, cached_arrays, make_key
    from ganops.evaluation.frechet import frechet_distance_of
    from ganops.evaluation.image_metrics import generate
    from ganops.evaluation.inception import EXTRACTOR_ID, InceptionFeatures
    from ganops.sampling import load_keras_generator

    extractor = InceptionFeatures(100)
    cache = ROOT / ".ganops" / "cache" / "evaluation"

    def features(images: np.ndarray, what: str) -> np.ndarray:
        key = make_key("time-to-quality", EXTRACTOR_ID, array_digest(images))
        path = cache / f"inception-features-{key}.npz"
        return cached_arrays(path, lambda: {"features": extractor(images, what)})["features"]

    test = features(fashion_mnist("t10k")[:n], "test")
    floor = frechet_distance_of(features(fashion_mnist("train")[:n], "train"), test)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results["floor"] = {"fid": floor, "n": n}
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"floor (train {n} vs test {n}): FID {floor:.2f}", flush=True)
    for recipe in sorted(p.name for p in WORK.iterdir() if p.is_dir()):
        for path in sorted((WORK / recipe).glob("generator_*min.keras")):
            minutes = float(path.stem.removeprefix("generator_").removesuffix("min"))
            if points and f"{recipe}:{minutes:g}" not in points:
                continue
            done = results.get(recipe, {}).get(f"{minutes:g}", {})
            if done.get("n") == n and "fid" in done:
                continue
            fakes = generate(load_keras_generator(path), n, 1234, 500)
            fid = frechet_distance_of(extractor(fakes, f"{recipe} {minutes:g} min"), test)
            record(recipe, minutes, {"fid": round(fid, 2), "n": n})
            print(f"{recipe} {minutes:g} min: FID {fid:.2f}", flush=True)


def plot(output: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = json.loads(RESULTS.read_text())
    figure, axis = plt.subplots(figsize=(7, 4.5), dpi=110)
    for recipe, rows in results.items():
        if recipe == "floor":
            continue
        points = sorted((float(m), row["fid"]) for m, row in rows.items() if "fid" in row)
        if points:
            axis.plot(*zip(*points, strict=True), marker="o", label=recipe)
    if "floor" in results:
        axis.axhline(results["floor"]["fid"], color="grey", linestyle=":", label="floor")
    axis.set_xlabel("training minutes on 2 CPU cores")
    axis.set_ylabel(f"standard FID ({results.get('floor', {}).get('n', '?')} vs test), log")
    axis.set_yscale("log")
    axis.grid(alpha=0.3, which="both")
    axis.legend()
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output)
    print(f"wrote {output}")


def table() -> str:
    results = json.loads(RESULTS.read_text())
    budgets = sorted({float(m) for r, rows in results.items() if r != "floor" for m in rows})
    lines = [
        "| recipe | " + " | ".join(f"{b:g} min" for b in budgets) + " |",
        "| --- |" + " --- |" * len(budgets),
    ]
    for recipe, rows in results.items():
        if recipe == "floor":
            continue
        cells = []
        for budget in budgets:
            row = rows.get(f"{budget:g}", {})
            cells.append(f"{row['fid']:.1f} ({row.get('kimg', '?')} kimg)" if "fid" in row else "")
        lines.append(f"| {recipe} | " + " | ".join(cells) + " |")
    if "floor" in results:
        lines.append(f"| floor (real train vs test) | {results['floor']['fid']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--recipes", default="tutorial,wide-b256,default,one-hour")
    parser.add_argument("--minutes", default="5,10,20,40,60")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--points", help="evaluate only these, e.g. default:10,one-hour:60")
    args = parser.parse_args()
    minutes = [float(m) for m in args.minutes.split(",")]
    if args.train:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        for text in args.recipes.split(","):
            name, params, overrides = parse_recipe(text)
            if name == "tutorial":
                train_tutorial(minutes, args.clock)
            else:
                train_ganops(name, params, overrides, minutes, args.clock)
    if args.evaluate:
        evaluate(args.n, set(args.points.split(",")) if args.points else None)
    if args.plot:
        plot(args.plot)
    if args.table:
        print(table())


if __name__ == "__main__":
    main()
