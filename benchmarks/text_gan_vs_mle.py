"""The language GAN beside the maximum-likelihood model, after equal training time, judged by
the quality-diversity curve (Caccia et al. 2020).

Two pipelines on the same data and budget through the stage functions: the language GAN as
``params-text.yaml`` sets it up, and the same generator trained by maximum likelihood alone
(``text.pretrain_share: 1``, the same code). Each is evaluated at every temperature of
``--temperatures`` (the evaluate stage's sweep), and the script writes one table (every
temperature of both models, and the floor), both curves in one PNG, the held-out NLL of both,
the wall time and steps of each phase, and ``--show`` random samples of each model at its
registered temperature.

    python benchmarks/text_gan_vs_mle.py --seconds 900 --out benchmarks/results/text
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganops.environment import configure, import_tensorflow_quietly  # noqa: E402

COLUMNS = (
    "jsd_1", "jsd_2", "jsd_3", "jsd_4", "bleu_2", "bleu_4", "self_bleu_2", "self_bleu_4",
)  # fmt: skip
MODELS = {"GAN": {}, "MLE": {"text.pretrain_share": 1.0}}


def run_pipeline(name: str, overrides: dict, out: Path) -> dict:
    from ganops import stages
    from ganops.runspec import RunSpec

    config, paths, root = RunSpec("params-text.yaml", overrides, str(out / name), str(ROOT)).load()
    for stage in ("prepare", "classifier", "train", "evaluate"):
        stages.stage_named(stage)(config, paths, root)
    return {
        "train": json.loads(paths.run_info.read_text()),
        "metrics": json.loads(paths.metrics.read_text()),
        "losses": (paths.losses).read_text().splitlines(),
        "samples": (paths.evaluation / "samples.txt").read_text("utf-8").splitlines(),
    }


def row(label: str, metrics: dict, suffix: str = "") -> str:
    cells = [f"{metrics[c + suffix]:.3f}" for c in COLUMNS]
    return f"| {label} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=900, help="training budget of each")
    parser.add_argument("--temperatures", default="0.5,0.7,0.8,0.9,0.95,1.0,1.1,1.25,1.5")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "text")
    parser.add_argument("--show", type=int, default=20, help="random samples shown per model")
    parser.add_argument("--set", action="append", default=[], help="KEY=VALUE for both runs")
    args = parser.parse_args()
    configure(ROOT)
    import_tensorflow_quietly()
    from ganops.config import parse_override
    from ganops.evaluation.text_curve import save_curve

    shared = {
        "train.max_seconds": args.seconds,
        "text.temperatures": [float(t) for t in args.temperatures.split(",")],
        "tracking.experiment": "text-gan-vs-mle",
        **dict(parse_override(text) for text in args.set),
    }
    runs = {name: run_pipeline(name, shared | extra, args.out) for name, extra in MODELS.items()}
    lines = ["| model | " + " | ".join(COLUMNS) + " | NLL |", "|---" * (len(COLUMNS) + 2) + "|"]
    for name, run in runs.items():
        sweep = run["metrics"]["sweep"]
        for temperature, metrics in sorted(sweep.items(), key=lambda item: float(item[0])):
            mark = " (registered)" if float(temperature) == run["metrics"]["temperature"] else ""
            nll = f"{run['metrics']['nll_per_char']:.3f}" if mark else ""
            lines.append(row(f"{name}, T={temperature}{mark}", metrics)[:-1] + f"| {nll} |")
    floor = runs["GAN"]["metrics"]
    lines.append(row("floor: real train vs held-out", floor, "_floor")[:-1] + "|  |")
    phases = {
        name: {
            key: run["train"][key]
            for key in ("seconds", "steps", "phases", "stopped_by")
            if key in run["train"]
        }
        for name, run in runs.items()
    }
    curve = save_curve(
        {float(t): m for t, m in runs["GAN"]["metrics"]["sweep"].items()},
        runs["GAN"]["metrics"]["temperature"],
        args.out / "quality_diversity.png",
        {"MLE alone": {float(t): m for t, m in runs["MLE"]["metrics"]["sweep"].items()}},
    )
    report = ["\n".join(lines), "", f"training: {json.dumps(phases)}", f"curve: {curve}"]
    for name, run in runs.items():
        shown = random.Random(0).sample(run["samples"], min(args.show, len(run["samples"])))
        t = run["metrics"]["temperature"]
        report += ["", f"{name} at T={t:g}:", *(f"    {text}" for text in shown)]
    text = "\n".join(report)
    (args.out / "report.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
