"""Standard FID/KID of the same images under both preprocessing protocols, same weights.

- ``tf1`` (the standard protocol since this change): generated images quantized to 8 bits,
  TF 1's bilinear resize to 299 (clean-fid's ``legacy_tensorflow``), as the published numbers.
- ``torch-bilinear`` (ganops before): PyTorch's half-pixel bilinear resize, no quantization.

Either given arrays, or a pipeline run's generator against its prepared test split (seeds as
``ganops evaluate``: ``--seed`` onwards), optionally with the floor (the first n_real train
images against the test images) under both protocols:

    python benchmarks/fid_protocols.py --fake fakes.npy --real test.npz
    python benchmarks/fid_protocols.py --run artifacts --n 10000 --floor

Arrays: ``.npy`` or ``.npz`` (key ``images``, as prepared splits, else the first array) of
shape (N, H, W) or (N, H, W, 1 or 3), uint8 or floats in [-1, 1]. Always state n_fake and
n_real with FID. Extraction dominates: every image is extracted once per protocol.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganops.environment import configure  # noqa: E402

configure(ROOT)

from ganops.evaluation.frechet import frechet_distance_of  # noqa: E402
from ganops.evaluation.inception import EXTRACTOR_ID, InceptionFeatures  # noqa: E402
from ganops.evaluation.inception_input import PROTOCOLS  # noqa: E402
from ganops.evaluation.kid import kernel_distance  # noqa: E402


def load_images(path: Path) -> np.ndarray:
    if path.suffix == ".npz":
        with np.load(path) as archive:
            images = archive["images"] if "images" in archive.files else archive[archive.files[0]]
    else:
        images = np.load(path)
    return images[..., None] if images.ndim == 3 else images


def run_images(run: Path, n: int, seed: int, floor: bool) -> dict[str, np.ndarray]:
    """The run's generated images (evaluation seeds), its test split and train images."""
    from ganops.data.prepare import load_split
    from ganops.evaluation.image_metrics import generate
    from ganops.paths import RunPaths
    from ganops.sampling import load_keras_generator

    paths = RunPaths(run)
    summary = json.loads((paths.prepared / "summary.json").read_text())
    test = load_split(paths.prepared / "test.npz").images[:n]
    generator = load_keras_generator(paths.generator)
    sets = {
        "fake": generate(generator, n, seed, 500, int(summary.get("n_classes", 0))),
        "real": test,
    }
    if floor:
        sets["train"] = load_split(paths.prepared / "train.npz").images[: len(test)]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fake", type=Path, help="generated images (.npy/.npz)")
    parser.add_argument("--real", type=Path, help="real images (.npy/.npz), e.g. prepared/test.npz")
    parser.add_argument("--train", type=Path, help="real train images for the floor (optional)")
    parser.add_argument("--run", type=Path, help="a pipeline output folder (instead of arrays)")
    parser.add_argument("--n", type=int, default=10_000, help="at most this many of each")
    parser.add_argument("--seed", type=int, default=1234, help="first evaluation seed (--run)")
    parser.add_argument("--floor", action="store_true", help="also train vs real (--run)")
    parser.add_argument("--kid-subsets", type=int, default=100)
    parser.add_argument("--kid-subset-size", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--out", type=Path, help="write the results as JSON here too")
    args = parser.parse_args()

    if args.run:
        sets = run_images(args.run, args.n, args.seed, args.floor)
    elif args.fake and args.real:
        sets = {"fake": load_images(args.fake)[: args.n], "real": load_images(args.real)[: args.n]}
        if args.train:
            sets["train"] = load_images(args.train)[: len(sets["real"])]
    else:
        parser.error("give --run, or --fake and --real")

    pairs = [("fake", "real")] + ([("train", "real")] if "train" in sets else [])
    rows = []
    for protocol in PROTOCOLS:
        extractor = InceptionFeatures(args.batch_size, protocol=protocol)
        features = {}
        for name, images in sets.items():
            started = time.perf_counter()
            features[name] = extractor(images, f"{protocol}: {name}")
            rate = len(images) / (time.perf_counter() - started)
            print(f"{protocol} {name}: {len(images)} images, {rate:.1f} images/s")
        for a, b in pairs:
            kid, kid_std = kernel_distance(
                features[a], features[b], args.kid_subsets, args.kid_subset_size
            )
            rows.append(
                {
                    "protocol": protocol,
                    "pair": f"{a} vs {b}",
                    "fid": frechet_distance_of(features[a], features[b]),
                    "kid": kid,
                    "kid_std": kid_std,
                    f"n_{a}": len(sets[a]),
                    f"n_{b}": len(sets[b]),
                }
            )
    print(f"\nweights: {EXTRACTOR_ID.split('/')[0]}/{EXTRACTOR_ID.split('/')[1]}")
    print("| protocol | pair | n | FID | KID (x1000) |\n| --- | --- | --- | --- | --- |")
    for row in rows:
        a, b = row["pair"].split(" vs ")
        counts = f"{row[f'n_{a}']} vs {row[f'n_{b}']}"
        kid = f"{row['kid'] * 1000:.2f} ± {row['kid_std'] * 1000:.2f}"
        print(f"| {row['protocol']} | {row['pair']} | {counts} | {row['fid']:.2f} | {kid} |")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
