"""Standard-FID feature extraction: the previous path vs the new one, interleaved in one run.

- old: the wheel's TorchScript InceptionV3 as ganops ran it before (PyTorch's default threads),
  after the previous preprocessing (PyTorch half-pixel bilinear on [0, 1] floats).
- new: ``InceptionFeatures(runtime="onnxruntime")``'s network (the same weights transcribed
  to ONNX, run by ONNX Runtime), after the standard protocol's input (8-bit, TF 1 resize).

Every batch goes through both, in alternating order, so load from other jobs on the shared
CPU hits both alike; ``--repeats`` passes over the images give medians and bests. Both
networks get the same (new) input, so their features can be compared: max abs and relative
difference, and FID between the two halves of the images computed from each. The machine's
float32 4096² matmul GFLOP/s (PyTorch/MKL) is measured before and after, and each path's
GFLOP/s follows from the convolutions' shapes (2 FLOPs per multiply-add).

    python benchmarks/inception_speed.py --images 200 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ganops.environment import configure  # noqa: E402

configure(ROOT)

from ganops.data.idx import read_split  # noqa: E402
from ganops.evaluation import inception  # noqa: E402
from ganops.evaluation.features import to_unit_interval  # noqa: E402
from ganops.evaluation.frechet import frechet_distance_of  # noqa: E402
from ganops.evaluation.inception_input import inception_input  # noqa: E402


def fashion_images(n: int, folder: Path | None) -> tuple[np.ndarray, str]:
    """Real Fashion-MNIST (the project's data, else the test fixture), cycled to ``n``."""
    candidates = [folder] if folder else [ROOT / "data" / "fashion-mnist"]
    candidates.append(ROOT / "tests" / "fixtures" / "fashion-mnist")
    for candidate in candidates:
        if (candidate / "train-images-idx3-ubyte.gz").is_file():
            images = read_split(candidate, "train")[0]
            return np.resize(images, (n, *images.shape[1:]))[..., None], str(candidate)
    raise SystemExit("no Fashion-MNIST found: run `ganops import-data` or pass --data")


def old_preprocess(torch, images: np.ndarray):
    """The preprocessing before this change (InceptionFeatures.preprocess at 1bd8609)."""
    batch = torch.from_numpy(to_unit_interval(images)).permute(0, 3, 1, 2)
    batch = batch.repeat(1, 3, 1, 1)
    batch = torch.nn.functional.interpolate(
        batch, size=(299, 299), mode="bilinear", align_corners=False
    ).clamp(0.0, 1.0)
    return batch * (0.9921875 + 1.0) - 1.0


def matmul_gflops(torch, n: int = 4096, repeats: int = 3) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def conv_gflop_per_image(model: bytes) -> float:
    """2 x the multiply-adds of every Conv (the rest is a few percent), from ONNX shapes."""
    import onnx

    proto = onnx.load_from_string(model)
    proto.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    proto = onnx.shape_inference.infer_shapes(proto)
    shapes = {
        v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in proto.graph.value_info
    }
    weights = {w.name: list(w.dims) for w in proto.graph.initializer}
    macs = 0
    for node in proto.graph.node:
        if node.op_type == "Conv":
            out, (_, cin, kh, kw) = shapes[node.output[0]], weights[node.input[1]]
            macs += int(np.prod(out)) * cin * kh * kw
    return 2 * macs / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, default=None, help="a Fashion-MNIST IDX folder")
    parser.add_argument("--torch-threads", type=int, default=0, help="0: PyTorch's default")
    parser.add_argument("--ort-threads", type=int, default=0, help="0: one per core")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks/results/inception_speed.json"
    )
    args = parser.parse_args()

    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    images, source = fashion_images(args.images, args.data)
    load_before = os.getloadavg()
    peak_before = matmul_gflops(torch)

    started = time.perf_counter()
    scripted = inception.load_torchscript()
    model = inception.to_onnx(scripted)
    session = inception.onnxruntime_session(model, args.ort_threads)
    build_seconds = time.perf_counter() - started
    gflop = conv_gflop_per_image(model)

    def old_network(batch: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return scripted(torch.from_numpy(batch)).numpy()

    def new_network(batch: np.ndarray) -> np.ndarray:
        return session.run(["features"], {"images": batch})[0]

    batches = [images[i : i + args.batch_size] for i in range(0, len(images), args.batch_size)]
    warm = inception_input(batches[0])
    old_network(warm), new_network(warm), old_network(warm)  # TorchScript profiles 2 calls
    seconds: dict[str, list[float]] = {"old": [], "new": []}
    parts: dict[str, float] = {"old_pre": 0.0, "new_pre": 0.0, "old_net": 0.0, "new_net": 0.0}
    features: dict[str, list[np.ndarray]] = {"old": [], "new": []}
    for repeat in range(args.repeats):
        total = {"old": 0.0, "new": 0.0}
        for index, batch in enumerate(batches):
            shared = inception_input(batch)  # both networks get it: comparable features
            order = ("old", "new") if (index + repeat) % 2 == 0 else ("new", "old")
            for path in order:
                t0 = time.perf_counter()
                if path == "old":
                    with torch.inference_mode():
                        old_preprocess(torch, batch)
                    t1 = time.perf_counter()
                    out = old_network(shared)
                else:
                    inception_input(batch)
                    t1 = time.perf_counter()
                    out = new_network(shared)
                t2 = time.perf_counter()
                total[path] += t2 - t0
                parts[f"{path}_pre"] += t1 - t0
                parts[f"{path}_net"] += t2 - t1
                if repeat == 0:
                    features[path].append(out.reshape(len(batch), -1))
        for path in total:
            seconds[path].append(total[path])
        rates = {p: len(images) / seconds[p][-1] for p in seconds}
        print(f"repeat {repeat + 1}: old {rates['old']:.1f} img/s, new {rates['new']:.1f} img/s")
    peak_after = matmul_gflops(torch)
    load_after = os.getloadavg()

    old, new = (np.concatenate(features[p]).astype(np.float64) for p in ("old", "new"))
    half = len(images) // 2
    fid_old = frechet_distance_of(old[:half], old[half:])
    fid_new = frechet_distance_of(new[:half], new[half:])
    difference = np.abs(old - new)
    per_path = {}
    for path in ("old", "new"):
        rates = [len(images) / s for s in seconds[path]]
        per_path[path] = {
            "images_per_second_median": statistics.median(rates),
            "images_per_second_best": max(rates),
            "images_per_second_all": rates,
            "gflop_per_second_median": statistics.median(rates) * gflop,
            "share_of_matmul_peak": statistics.median(rates) * gflop / max(peak_before, peak_after),
            "preprocess_seconds_per_image": parts[f"{path}_pre"] / args.repeats / len(images),
            "network_seconds_per_image": parts[f"{path}_net"] / args.repeats / len(images),
        }
    result = {
        "images": len(images),
        "source": source,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "torch_threads": torch.get_num_threads(),
        "ort_threads": args.ort_threads or "default (one per core)",
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "load_average_before_after": [load_before[0], load_after[0]],
        "matmul_4096_float32_gflops_before_after": [peak_before, peak_after],
        "conv_gflop_per_image": gflop,
        "onnx_build_seconds": build_seconds,
        "old": per_path["old"],
        "new": per_path["new"],
        "ratio_median": per_path["new"]["images_per_second_median"]
        / per_path["old"]["images_per_second_median"],
        "ratio_best": per_path["new"]["images_per_second_best"]
        / per_path["old"]["images_per_second_best"],
        "features_max_abs_difference": float(difference.max()),
        "features_max_abs_value": float(np.abs(old).max()),
        "features_max_relative_difference": float(difference.max() / np.abs(old).max()),
        "features_median_abs_difference": float(np.median(difference)),
        "fid_halves_old_new": [fid_old, fid_new],
        "fid_abs_difference": abs(fid_old - fid_new),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
