"""Files rendered from the stage graph: each pipeline's ``dvc.yaml`` and a table for people.

``ganops stages --dvc-yaml NAME > FILE`` writes a DVC pipeline (``PIPELINES``: the image one is
the project's ``dvc.yaml``, the text one ``pipelines/text/dvc.yaml``); a test checks that the
committed files are current, so DVC's view (commands, inputs, code, parameters, outputs) can
never drift from the graph that the CLI and the Prefect flows run.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ganops.paths import RunPaths
from ganops.stages import STAGES, Output, Stage


@dataclass(frozen=True)
class Pipeline:
    """One DVC pipeline: the same stages over one parameters file, in one output folder."""

    name: str
    dvc_file: str  # where its dvc.yaml lives, relative to the project root
    params: str  # parameters file
    out: str  # output folder of the stages
    pictures: tuple[str, ...]  # under ``out``: PNGs for `dvc plots show`
    cached: bool = True  # whether its outputs go to DVC's cache (see PIPELINES)

    @property
    def folder(self) -> PurePosixPath:
        return PurePosixPath(self.dvc_file).parent

    @property
    def root(self) -> str:
        """The project root as seen from the pipeline's folder (its stages' ``wdir``)."""
        return "/".join([".."] * len(self.folder.parts)) or "."

    def reproduce(self) -> str:
        return "dvc repro" + ("" if self.dvc_file == "dvc.yaml" else f" {self.dvc_file}")


# The image pipeline is the project's dvc.yaml, so plain `dvc repro` / `dvc exp run` (and
# `make run`) reproduce it. The text pipeline is its own dvc.yaml in its own folder: DVC
# reproduces only the dvc.yaml it is given (the one in the working directory by default), so
# neither pipeline runs the other's stages, and each has its own dvc.lock, while `dvc plots
# show`, `dvc metrics show` and `dvc exp show` cover both.
# `dvc checkout` and `dvc exp apply` restore the cached outputs of every pipeline in the repo
# and fail outright on a cached output that has no hash in a dvc.lock, which is every output
# of a pipeline that never ran. So only the default (image) pipeline caches its outputs: a
# project that never trains text keeps working with DVC's experiment commands. Text outputs
# are still hashed in pipelines/text/dvc.lock (`dvc status` and `dvc repro` see changes), and
# the text generator itself is versioned in the model registry.
PIPELINES: tuple[Pipeline, ...] = (
    Pipeline(
        "image",
        "dvc.yaml",
        "params.yaml",
        "artifacts",
        ("plots/losses.png", "evaluation/samples.png", "evaluation/interpolation.png"),
    ),
    Pipeline(
        "text",
        "pipelines/text/dvc.yaml",
        "params-text.yaml",
        "artifacts/text",
        ("plots/losses.png", "evaluation/quality_diversity.png"),
        cached=False,
    ),
)
SOURCE = "src/ganops"


def pipeline_named(name: str) -> Pipeline:
    return next(pipeline for pipeline in PIPELINES if pipeline.name == name)


def header(pipeline: Pipeline) -> str:
    others = ", ".join(f"`{p.reproduce()}` ({p.name})" for p in PIPELINES if p != pipeline)
    text = (
        "Generated from the stage graph (src/ganops/stages.py) by "
        f"`ganops stages --dvc-yaml {pipeline.name} > {pipeline.dvc_file}`; do not edit by "
        f"hand (a test checks it is current). `{pipeline.reproduce()}` reproduces the "
        f"{pipeline.name} pipeline from {pipeline.params} into {pipeline.out}/, running the "
        "same stage functions as the Prefect flows through the `ganops` CLI. Other pipelines: "
        f"{others}."
    )
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, 94, break_on_hyphens=False))


def relative(name: str) -> str:
    """A ``RunPaths`` name as a path relative to the output folder."""
    return getattr(RunPaths(Path()), name).as_posix()


def _output(pipeline: Pipeline, output: Output) -> Any:
    path = f"{pipeline.out}/{relative(output.name)}"
    options = {}
    if output.persist:
        options["persist"] = True
    if not (output.cache and pipeline.cached):
        options["cache"] = False
    return {path: options} if options else path


def dvc_stage(pipeline: Pipeline, stage: Stage) -> dict[str, Any]:
    # `${data.path}`: DVC interpolates the parameters file (`vars`), so the raw data a stage
    # depends on follows data.path when a user points it at their own folder.
    deps = ["${data.path}"] if stage.reads_raw_data else []
    deps += [f"{pipeline.out}/{relative(name)}" for name in stage.reads]
    deps += [f"{SOURCE}/{path}" for path in stage.code]
    entry: dict[str, Any] = {}
    if pipeline.root != ".":
        # Paths, commands and parameters files stay relative to the project root.
        entry["wdir"] = pipeline.root
    entry |= {
        "cmd": f"ganops {stage.name} --params {pipeline.params} --out {pipeline.out}",
        "deps": deps,
        "params": [{pipeline.params: list(stage.params)}],
    }
    for kind in ("outs", "metrics", "plots"):
        outputs = [_output(pipeline, output) for output in stage.writes if output.kind == kind]
        if outputs:
            entry[kind] = outputs
    return entry


def plots(pipeline: Pipeline) -> list[Any]:
    """Loss curves and pictures for `dvc plots show`; top-level plot paths are relative to
    the dvc.yaml's folder, not to the stages' ``wdir``."""
    prefix = "" if pipeline.root == "." else f"{pipeline.root}/"
    out = f"{prefix}{pipeline.out}"
    losses = f"{out}/{relative('losses')}"
    curves = {"template": "linear", "x": "step", "y": {losses: ["d_loss", "g_loss"]}}
    # The image pipeline's curve keeps its historical id; the others are named after theirs.
    name = "losses" if pipeline == PIPELINES[0] else f"{pipeline.name}-losses"
    return [{name: curves}, *(f"{out}/{picture}" for picture in pipeline.pictures)]


def dvc_yaml(name: str = PIPELINES[0].name) -> str:
    pipeline = pipeline_named(name)
    document: dict[str, Any] = {}
    if pipeline.params != "params.yaml":
        # DVC loads params.yaml (beside dvc.yaml) for `${...}` by default; others are named.
        document["vars"] = [f"{pipeline.root}/{pipeline.params}"]
    document["stages"] = {stage.name: dvc_stage(pipeline, stage) for stage in STAGES}
    document["plots"] = plots(pipeline)
    return header(pipeline) + yaml.safe_dump(document, sort_keys=False, width=100)


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
