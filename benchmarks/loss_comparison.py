"""Each adversarial loss (with its paper's penalty) on Fashion-MNIST for the same wall-clock
budget, scored by quick FID.

Every loss gets the same seed, model (DCGAN), batch, precision and ``--seconds`` of training;
then the quick FID (``ganops.evaluation.quick``, the metric training logs) of its EMA generator
on ``--samples`` images against as many training images: in the domain classifier's feature
space when ``--classifier`` names a trained one (``ganops classifier --out artifacts`` writes
``artifacts/classifier``), else in pixel space; lower is better. Generator steps and
discriminator steps done in the budget are printed beside each number. Run it on an otherwise
idle machine: the budget is wall-clock.

    python benchmarks/loss_comparison.py --seconds 600 --classifier artifacts/classifier
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganops.environment import configure  # noqa: E402

configure(ROOT)

from ganops.config import TrainConfig  # noqa: E402
from ganops.data.idx import read_split  # noqa: E402
from ganops.data.pipeline import ImageBatches  # noqa: E402
from ganops.evaluation.classifier import load_classifier  # noqa: E402
from ganops.evaluation.quick import QuickFid  # noqa: E402
from ganops.training.losses import LOSSES  # noqa: E402
from ganops.training.penalties import PENALTIES  # noqa: E402
from ganops.training.trainer import image_trainer  # noqa: E402

# Each loss with the penalty its paper uses (loss-penalty), or alone.
OBJECTIVES = ("non_saturating", "minimax", "wgan-clip", "wgan-gp", "hinge", "least_squares")


def settings(objective: str) -> dict:
    """The loss, its penalty and the settings both registries suggest (their papers')."""
    loss, _, penalty = objective.partition("-")
    penalty = penalty or "none"
    return {
        "loss": loss,
        "penalty": penalty,
        **LOSSES[loss].suggested,
        **PENALTIES[penalty].suggested,
    }


def train_for(objective: str, seconds: float, images, batch_size: int) -> tuple[object, int]:
    """Train with ``GanTrainer.fit`` under ``train.max_seconds``, as a user's run would."""
    config = TrainConfig(
        batch_size=batch_size,
        epochs=10_000,  # the time budget ends the run
        max_seconds=seconds,
        **settings(objective),
    )
    trainer = image_trainer(config, images.shape[1:])
    with tempfile.TemporaryDirectory() as state_dir:
        result = trainer.fit(ImageBatches(images, batch_size, seed=0), Path(state_dir))
    return trainer, result.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--objectives", default=",".join(OBJECTIVES))
    parser.add_argument("--classifier", type=Path, help="a trained domain classifier's folder")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    images = read_split(ROOT / "data" / "fashion-mnist", "train")[0][..., None]
    classifier = load_classifier(args.classifier) if args.classifier else None
    quick = QuickFid(images, classifier=classifier, n_samples=args.samples)
    rows = []
    for loss in args.objectives.split(","):
        trainer, steps = train_for(loss, args.seconds, images, args.batch_size)
        value = quick(trainer.sampling_generator)
        g_steps = int(trainer.g_optimizer.iterations.numpy())
        rows.append(
            {"loss": loss, "d_steps": steps, "g_steps": g_steps, quick.name: round(value, 2)}
        )
        print(
            f"{loss:16s} D steps {steps:6d}  G steps {g_steps:6d}  {quick.name} {value:10.2f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
