"""Prefect flow ``text-gan``: prepare -> train -> evaluate -> register, for text.

The same tasks as ``image-gan`` (each a few lines around one ``ganops.stages`` function, which
dispatches on ``data.dataset``); only the default parameters file differs
(``params-text.yaml``: fortunes, the char-level WGAN-GP, a text metric for the gate). The run
ends with a markdown artifact: the metrics beside their real floor, sample text, and the
MLflow run and model version.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.runtime import flow_run

sys.path.insert(0, str(Path(__file__).resolve().parent))

from image_gan import (  # the shared tasks
    PROJECT_ROOT,
    evaluate_task,
    prepare_task,
    register_task,
    train_task,
)

from ganops.paths import inside
from ganops.runspec import RunSpec

TEXT_PARAMS = "params-text.yaml"
METRICS = ("jsd_1", "jsd_2", "jsd_3", "jsd_4", "bleu_2", "bleu_4", "self_bleu_2", "self_bleu_4")


def summary_markdown(metrics: dict[str, Any], samples: list[str], registration: dict) -> str:
    """The run's summary for the Prefect UI (pure: tested without a server)."""
    lines = ["## text-gan", "", "| metric | samples | real text (floor) |", "|---|---|---|"]
    lines += [f"| {m} | {metrics[m]:.4f} | {metrics[m + '_floor']:.4f} |" for m in METRICS]
    lines += ["", f"{metrics['n_generated']} generated, {metrics['n_test']} held out.", ""]
    lines += ["### Samples", "", "```", *samples, "```", ""]
    lines.append(
        f"MLflow run `{registration['run_id']}`, model `{registration['model_name']}` "
        f"version {registration['version']} ({registration['reason']})"
    )
    return "\n".join(lines)


@flow(name="text-gan", log_prints=True)
def text_gan(
    overrides: dict[str, Any] | None = None,
    params_file: str = TEXT_PARAMS,
    output_root: str = "runs",
) -> dict[str, Any]:
    """Train, evaluate and register a character-level text GAN.

    Args:
        overrides: parameters that replace params-text.yaml values, by dotted key,
            e.g. {"train.epochs": 3, "text.max_length": 48}.
        params_file: the parameters file, relative to the project root.
        output_root: folder inside the project that holds one folder per flow run.
    """
    from prefect.artifacts import create_markdown_artifact

    run_dir = inside(PROJECT_ROOT, output_root, "output_root") / (flow_run.get_name() or "local")
    spec = RunSpec(params_file, dict(overrides or {}), str(run_dir), str(PROJECT_ROOT))
    spec.load()  # validate every parameter before any task runs
    results = {"prepare": prepare_task(spec)}
    results["train"] = train_task(spec)
    results["evaluate"] = evaluate_task(spec)
    results["register"] = register_task(spec)
    samples = (run_dir / "evaluation" / "samples.txt").read_text("utf-8").splitlines()[:20]
    create_markdown_artifact(
        summary_markdown(results["evaluate"], samples, results["register"]),
        key="text-gan-summary",
        description="metrics, samples and the registered version",
    )
    return results
