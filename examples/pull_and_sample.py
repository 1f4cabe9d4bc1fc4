"""Pull a registered generator from MLflow, sample it with a seed, and save a PNG grid.

    python examples/pull_and_sample.py                      # models:/ganops-fashion-mnist@champion
    python examples/pull_and_sample.py --uri models:/my-shoes@champion -n 16 --seed 7 -o shoes.png

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


def sample_grid(uri: str, n: int, seed: int, output: Path) -> Path:
    """Load ``uri``, draw images for seeds ``seed .. seed+n-1`` and tile them into ``output``."""
    generator = ganops.load_generator(uri)
    images = generator.sample(n, seed)  # float32 in [0, 1], shape (n, H, W, C)
    # save_grid takes the generator's own [-1, 1] range, as the training grids do.
    return save_grid(images * 2.0 - 1.0, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=DEFAULT_URI, help=f"model URI (default {DEFAULT_URI})")
    parser.add_argument("-n", type=int, default=64, help="number of images (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("-o", "--output", default="samples.png", help="PNG grid to write")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"-n must be at least 1 (got {args.n})")
    try:
        path = sample_grid(args.uri, args.n, args.seed, Path(args.output))
    except GanopsError as error:  # a wrong name or alias: message, no traceback
        print(f"error: {error.message}\nhint: {error.hint}", file=sys.stderr)
        return 2
    seeds = f"{args.seed}..{args.seed + args.n - 1}"
    print(f"wrote {args.n} images (seeds {seeds}) of {args.uri} to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
