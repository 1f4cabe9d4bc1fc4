"""Pull a registered generator from MLflow, sample it with a seed: a PNG grid, or text lines.

    python examples/pull_and_sample.py                      # models:/ganops-fashion-mnist@champion
    python examples/pull_and_sample.py --uri models:/my-shoes@champion -n 16 --seed 7 -o shoes.png
    python examples/pull_and_sample.py --uri models:/ganops-fortunes@champion -n 20  # prints text

The store is MLFLOW_TRACKING_URI if set, else the project's (``tracking.uri`` in params.yaml,
``sqlite:///mlflow.db`` by default), so run it from the project folder or set the variable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import ganops
from ganops.errors import GanopsError
from ganops.evaluation.pictures import save_grid

DEFAULT_URI = "models:/ganops-fashion-mnist@champion"


def sample(uri: str, n: int, seed: int, output: Path) -> Path | list[str]:
    """Load ``uri`` and draw samples for seeds ``seed .. seed+n-1``: images are tiled into
    ``output`` (its path is returned), text samples are returned as strings."""
    generator = ganops.load_generator(uri)
    samples = generator.sample(n, seed)  # images: float32 in [0, 1], (n, H, W, C); text: str
    if samples.dtype == object:
        return [str(text) for text in samples.ravel()]
    # save_grid takes the generator's own [-1, 1] range, as the training grids do.
    return save_grid(samples * 2.0 - 1.0, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=DEFAULT_URI, help=f"model URI (default {DEFAULT_URI})")
    parser.add_argument("-n", type=int, default=64, help="number of samples (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("-o", "--output", default="samples.png", help="PNG grid (images)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"-n must be at least 1 (got {args.n})")
    try:
        drawn = sample(args.uri, args.n, args.seed, Path(args.output))
    except GanopsError as error:  # a wrong name or alias: message, no traceback
        print(f"error: {error.message}\nhint: {error.hint}", file=sys.stderr)
        return 2
    seeds = f"{args.seed}..{args.seed + args.n - 1}"
    if isinstance(drawn, list):
        print("\n".join(drawn))
        print(f"{args.n} text samples (seeds {seeds}) of {args.uri}", file=sys.stderr)
    else:
        print(f"wrote {args.n} images (seeds {seeds}) of {args.uri} to {drawn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
