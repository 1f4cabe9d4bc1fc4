"""The text GAN beside the maximum-likelihood baseline, after equal training time.

Reads a finished text pipeline run (``prepared/``, ``model/run.json`` with the GAN's training
seconds, ``metrics.json``), trains the GRU character model on the same prepared tokens for the
same wall-clock seconds (or ``--seconds``), samples it at each temperature, measures every
sample set with the same function as the evaluate stage, and prints one markdown table (GAN,
MLE per temperature, the real floor) and samples from each.

    python benchmarks/text_gan_vs_mle.py --run artifacts/text --temperatures 0.5 0.8 1.0
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganops.environment import configure  # noqa: E402

COLUMNS = ("jsd_1", "jsd_2", "jsd_3", "jsd_4", "bleu_2", "bleu_4", "self_bleu_2", "self_bleu_4")


def row(name: str, metrics: dict, suffix: str = "") -> str:
    return f"| {name} | " + " | ".join(f"{metrics[c + suffix]:.3f}" for c in COLUMNS) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", default="artifacts/text", help="output folder of a text run")
    parser.add_argument("--seconds", type=float, default=0, help="MLE budget (0 = the GAN's)")
    parser.add_argument("--temperatures", type=float, nargs="+", default=[0.5, 0.8, 1.0])
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--n-samples", type=int, default=0, help="0 = as many as the GAN's")
    parser.add_argument("--show", type=int, default=10, help="samples printed per model")
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    configure(ROOT)

    from ganops.data.text import decode
    from ganops.data.text_prepare import load_text_split, load_vocabulary
    from ganops.evaluation.text_evaluation import measure_texts
    from ganops.training.char_lm import build_char_lm, sample_char_lm, train_char_lm

    run = Path(args.run) if Path(args.run).is_absolute() else ROOT / args.run
    gan_train = json.loads((run / "model" / "run.json").read_text())
    gan_metrics = json.loads((run / "metrics.json").read_text())
    seconds = args.seconds or gan_train["seconds"]
    train = load_text_split(run / "prepared", "train")
    test = load_text_split(run / "prepared", "test").texts
    vocabulary = load_vocabulary(run / "prepared")
    n = args.n_samples or int(gan_metrics["n_generated"])

    model = build_char_lm(len(vocabulary), hidden=args.hidden)
    fit = train_char_lm(model, train.tokens, seconds=seconds, seed=args.seed)
    print(
        f"budget {seconds:.0f} s each. GAN: {gan_train['steps']} steps ({gan_train['epochs']} "
        f"epochs). MLE GRU-{args.hidden}: {fit.steps} steps ({fit.epochs_seen:.1f} epochs) in "
        f"{fit.seconds:.0f} s, last loss {fit.final_loss:.3f} nats/char. n_generated={n}, "
        f"n_test={len(test)}",
        file=sys.stderr,
    )
    table = ["| model | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    table.append(row("GAN (WGAN-GP)", gan_metrics))
    shown = {"GAN": (run / "evaluation" / "samples.txt").read_text("utf-8").splitlines()}
    floor = None
    for temperature in args.temperatures:
        tokens = sample_char_lm(model, n, train.tokens.shape[1], temperature, seed=args.seed)
        texts = decode(tokens, vocabulary)
        metrics = measure_texts(texts, train.texts, test, seed=args.seed)
        floor = metrics
        table.append(row(f"MLE GRU, T={temperature}", metrics))
        shown[f"MLE T={temperature}"] = texts
    table.append(row("floor: real train vs held-out", floor, "_floor"))
    print("\n".join(table))
    for name, texts in shown.items():
        print(f"\n{name}:")
        print("\n".join(f"    {text}" for text in texts[: args.show]))


if __name__ == "__main__":
    main()
