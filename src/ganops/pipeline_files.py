"""Files rendered from the stage graph: ``dvc.yaml`` and a table for people.

``ganops stages --dvc-yaml > dvc.yaml`` writes the DVC pipeline; a test checks that the
committed file is current, so DVC's view (commands, inputs, code, parameters, outputs) can
never drift from the graph that the CLI and the Prefect flows run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ganops.paths import RunPaths
from ganops.stages import STAGES, Output, Stage

HEADER = """\
# Generated from the stage graph (src/ganops/stages.py) by `ganops stages --dvc-yaml > dvc.yaml`;
# do not edit by hand (a test checks it is current). `dvc repro` runs the same stage functions
# as the Prefect flows, through the `ganops` CLI. pipeline.yaml selects the pipeline (image or
# text: parameters file, outputs, raw data folder).
"""
OUT, PARAMS, DATA = "${pipeline.out}", "${pipeline.params}", "${pipeline.data}"
SOURCE = "src/ganops"

# Pictures and curves for `dvc plots show` (the stages' own outputs).
PLOTS: list[Any] = [
    {
        "losses": {
            "template": "linear",
            "x": "step",
            "y": {"artifacts/losses.tsv": ["d_loss", "g_loss"]},
        }
    },
    "artifacts/plots/losses.png",
    "artifacts/evaluation/samples.png",
    "artifacts/evaluation/interpolation.png",
]


def relative(name: str) -> str:
    """A ``RunPaths`` name as a path relative to the output folder."""
    return getattr(RunPaths(Path()), name).as_posix()


def _output(output: Output) -> Any:
    path = f"{OUT}/{relative(output.name)}"
    options = {}
    if output.persist:
        options["persist"] = True
    if not output.cache:
        options["cache"] = False
    return {path: options} if options else path


def dvc_stage(stage: Stage) -> dict[str, Any]:
    deps = [DATA] if stage.reads_raw_data else []
    deps += [f"{OUT}/{relative(name)}" for name in stage.reads]
    deps += [f"{SOURCE}/{path}" for path in stage.code]
    entry: dict[str, Any] = {
        "cmd": f"ganops {stage.name} --params {PARAMS} --out {OUT}",
        "deps": deps,
        "params": [{PARAMS: list(stage.params)}],
    }
    for kind in ("outs", "metrics", "plots"):
        outputs = [_output(output) for output in stage.writes if output.kind == kind]
        if outputs:
            entry[kind] = outputs
    return entry


def dvc_yaml() -> str:
    pipeline = {
        "vars": ["pipeline.yaml"],
        "stages": {stage.name: dvc_stage(stage) for stage in STAGES},
        "plots": PLOTS,
    }
    return HEADER + yaml.safe_dump(pipeline, sort_keys=False, width=100)


def stage_table() -> str:
    """The graph as a markdown table: what each stage reads, writes and depends on."""
    rows = [
        "| stage | reads | writes | parameters | code (src/ganops/) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for stage in STAGES:
        reads = (["data.path"] if stage.reads_raw_data else []) + [
            relative(name) for name in stage.reads
        ]
        writes = [relative(output.name) for output in stage.writes]
        rows.append(
            f"| `{stage.name}` | {', '.join(reads)} | {', '.join(writes)} | "
            f"{', '.join(stage.params)} | {', '.join(stage.code)} |"
        )
    return "\n".join(rows) + "\n"
