"""Cold pull-and-sample: a new process loads ``models:/NAME@champion`` and samples 64 images,
on the old path (the Keras generator, TensorFlow imported) and the new one (its LiteRT copy).

    python benchmarks/cold_sample.py [--repeats 5] [--generator artifacts/model/generator.keras]

Registers a generator in a throw-away MLflow store (the default configuration's network,
untrained: speed does not depend on the weights; ``--generator`` registers a trained
``.keras`` file instead), then times, in fresh processes, interleaved, ``--repeats`` each:
- ``python``: ``ganops.load_generator(uri).sample(64)`` (wall time of the whole process and
  the in-process split: import, registry lookup and load, sample);
- ``cli``: ``ganops sample URI -n 64`` (wall time);
and, as references, the bare imports that dominate (``python -c pass``, mlflow, TensorFlow,
ai_edge_litert). Each process's CPU time (user + system) is recorded beside its wall time: on
a shared machine the wall time grows with the other jobs' load, the CPU time much less.
Prints a table of medians and writes ``benchmarks/results/cold_sample.json`` with every run.
The new path's ratio is to the old path measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results" / "cold_sample.json"
NAME = "cold-sample-bench"
N = 64

REGISTER = """
import sys
from pathlib import Path
import mlflow
from ganops.config import load_config
from ganops.data.summary import write_summary
from ganops.paths import RunPaths
from ganops.tracking.registry import CHAMPION, log_generator

work, name, given = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
paths = RunPaths(work / "run")
paths.model_dir.mkdir(parents=True)
config = load_config(Path("params.yaml"))
if given:
    import keras
    generator = keras.saving.load_model(given, compile=False)
else:
    from ganops.models.builders import build_image_models
    generator = build_image_models(config.train, (28, 28, 1), 0)[0]
generator.save(paths.generator)
paths.prepared.mkdir()
write_summary(paths.prepared, "image", {"image_shape": list(generator.output_shape[1:])})
mlflow.set_experiment("cold-sample")
with mlflow.start_run():
    served = config.modality.served_model(config, paths)
    uri = log_generator(paths.generator, "image", served)
version = mlflow.register_model(uri, name).version
mlflow.MlflowClient().set_registered_model_alias(name, CHAMPION, version)
print(generator.count_params())
"""

PULL = """
import json, sys, time
started = time.perf_counter()
import ganops, mlflow
imported = time.perf_counter()
generator = ganops.load_generator(sys.argv[1])
loaded = time.perf_counter()
images = generator.sample(64, seed=0)
sampled = time.perf_counter()
assert images.shape[0] == 64
print(json.dumps({
    "runtime": generator.runtime,
    "import_s": imported - started,
    "load_s": loaded - imported,
    "sample_s": sampled - loaded,
    "tensorflow_imported": "tensorflow" in sys.modules,
}))
"""

IMPORTS = {
    "python -c pass": "pass",
    "import mlflow": "import mlflow",
    "import mlflow.pyfunc": "import mlflow.pyfunc",
    "import tensorflow": "import tensorflow",
    "import ai_edge_litert.interpreter": "import ai_edge_litert.interpreter",
}


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system, the process and its children) of ``command``.
    On a shared machine wall time grows with the other jobs' load; CPU time much less."""
    cpu_before, started = cpu_of_children(), time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    elapsed, cpu = time.perf_counter() - started, cpu_of_children() - cpu_before
    if result.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed:\n{result.stderr[-3000:]}")
    return elapsed, cpu, result.stdout


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--generator", default="", help="a trained .keras generator to register")
    args = parser.parse_args()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="ganops-cold-"))
    store = f"sqlite:///{work / 'mlflow.db'}"
    env = dict(
        os.environ,
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        MLFLOW_TRACKING_URI=store,
        MLFLOW_REGISTRY_URI=store,
        TF_CPP_MIN_LOG_LEVEL="3",
        MLFLOW_DISABLE_TELEMETRY="true",
    )
    python = str(BIN / "python")
    generator = str(Path(args.generator).resolve()) if args.generator else ""
    register_s, _, params = run([python, "-c", REGISTER, str(work), NAME, generator], env, ROOT)
    uri = f"models:/{NAME}@champion"
    print(f"registered {uri} ({params.strip()} parameters) in {register_s:.1f} s", flush=True)

    paths = {"old (keras)": "keras", "new (litert)": "light"}
    runs: dict[str, list] = {f"{kind} {path}": [] for kind in ("python", "cli") for path in paths}
    imports: dict[str, list[dict]] = {label: [] for label in IMPORTS}
    for repeat in range(args.repeats):
        for path, choice in paths.items():
            path_env = dict(env, GANOPS_SAMPLER=choice)
            wall, cpu, out = run([python, "-c", PULL, uri], path_env, work)
            answer = json.loads(out.splitlines()[-1])
            runs[f"python {path}"].append({"wall_s": wall, "cpu_s": cpu, **answer})
            command = [str(BIN / "ganops"), "sample", uri, "-n", str(N), "-o", "grid.png"]
            wall, cpu, out = run(command, path_env, work)
            answer = {"runtime": json.loads(out)["runtime"]}
            runs[f"cli {path}"].append({"wall_s": wall, "cpu_s": cpu, **answer})
        for label, code in IMPORTS.items():
            wall, cpu, _ = run([python, "-c", code], env, work)
            imports[label].append({"wall_s": wall, "cpu_s": cpu})
        print(f"repeat {repeat + 1}/{args.repeats} done", flush=True)

    summary = {}
    for label, entries in runs.items():
        summary[label] = {
            key: median([entry[key] for entry in entries])
            for key in ("wall_s", "cpu_s", "import_s", "load_s", "sample_s")
            if key in entries[0]
        }
        summary[label]["runtime"] = entries[0]["runtime"]
    for kind in ("python", "cli"):
        old, new = summary[f"{kind} old (keras)"], summary[f"{kind} new (litert)"]
        new["ratio_to_old"] = new["wall_s"] / old["wall_s"]
        new["cpu_ratio_to_old"] = new["cpu_s"] / old["cpu_s"]
    import_medians = {
        label: {key: median([entry[key] for entry in entries]) for key in ("wall_s", "cpu_s")}
        for label, entries in imports.items()
    }

    print(f"\ncold pull + sample {N} images, medians of {args.repeats} fresh processes")
    columns = ("wall_s", "cpu_s", "import_s", "load_s", "sample_s", "ratio_to_old")
    print(f"{'path':<22}" + "".join(f"{name.removesuffix('_s'):>10}" for name in columns))
    for label, row in summary.items():
        default = {"ratio_to_old": 1.0}
        cells = [f"{row.get(key, default.get(key, float('nan'))):10.3f}" for key in columns]
        print(f"{label:<22}{''.join(cells)}")
    print("\nbare imports (whole process, medians): wall s, cpu s")
    for label, value in import_medians.items():
        print(f"{label:<36}{value['wall_s']:7.2f}{value['cpu_s']:7.2f}")

    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "repeats": args.repeats,
        "generator": args.generator or "default configuration, untrained",
        "parameters": int(params.strip()),
        "register_s": register_s,
        "medians": summary,
        "import_medians_s": import_medians,
        "runs": runs,
        "imports_s": imports,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
