"""The end-of-run summary a person reads in the Prefect UI (or anywhere markdown renders).

Pure functions over the stages' JSON summaries: no Prefect, no MLflow client, so the same
text can be tested without servers and reused by any flow.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ganops.tracking.runs import redact

# Pictures above this size are linked by path instead of inlined (artifact rows stay small).
INLINE_PICTURE_LIMIT = 512 * 1024


def metrics_table(metrics: dict[str, Any]) -> str:
    """Each number next to its floor (the same metric for real test vs real train images)."""
    rows = ["| metric | value | floor (real vs real) |", "| --- | --- | --- |"]
    for key, value in metrics.items():
        if key.endswith("_floor") or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        floor = metrics.get(f"{key}_floor")
        shown_floor = _number(floor) if floor is not None else ""
        rows.append(f"| `{key}` | {_number(value)} | {shown_floor} |")
    return "\n".join(rows)


def _number(value: float) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value + 0.0:.4g}"  # + 0.0: no "-0" for a negative zero
    return str(value)


def picture_markdown(path: Path, alt: str = "samples") -> str:
    """A PNG inlined as a data URI: the UI shows it without serving files from the run folder."""
    if not path.is_file():
        return f"*(no {alt} picture at `{path}`)*"
    if path.stat().st_size > INLINE_PICTURE_LIMIT:
        return f"`{path}`"
    encoded = base64.b64encode(path.read_bytes()).decode()
    return f"![{alt}](data:image/png;base64,{encoded})"


def text_samples_markdown(path: Path, limit: int = 20) -> str:
    """The first ``limit`` generated lines as a code block (a text model's "picture")."""
    if not path.is_file():
        return f"*(no samples at `{path}`)*"
    lines = path.read_text("utf-8").splitlines()[:limit]
    return "\n".join(["```text", *lines, "```"])


def samples_markdown(path: Path) -> str:
    """Generated samples as the UI shows them: an inlined picture, or lines of text."""
    return text_samples_markdown(path) if path.suffix == ".txt" else picture_markdown(path)


def mlflow_ui_base(tracking_uri: str, ui_url: str | None) -> str | None:
    """Where a person can open the MLflow UI: an explicit URL, else an http tracking URI."""
    if ui_url:
        return ui_url.rstrip("/")
    if urlsplit(tracking_uri).scheme in ("http", "https"):
        return redact(tracking_uri).rstrip("/")
    return None


def run_link(ui_base: str | None, experiment_id: str | None, run_id: str) -> str:
    if ui_base and experiment_id:
        return f"[{run_id}]({ui_base}/#/experiments/{experiment_id}/runs/{run_id})"
    return f"`{run_id}` (open `mlflow ui` on the tracking store to browse it)"


def summary_markdown(
    title: str,
    results: dict[str, dict[str, Any]],
    samples: Path,
    tracking_uri: str,
    ui_url: str | None = None,
    experiment_id: str | None = None,
    aliases: list[str] | None = None,
    pictures: list[Path] | None = None,
) -> str:
    """Markdown: metrics with floors, samples (picture or text), further ``pictures`` (e.g.
    a quality-diversity curve), MLflow run, version, aliases."""
    train = results.get("train", {})
    registration = results.get("register", {})
    run_id = registration.get("run_id") or train.get("run_id", "?")
    ui_base = mlflow_ui_base(tracking_uri, ui_url)
    lines = [f"# {title}", ""]
    if registration:
        name, version = registration["model_name"], registration["version"]
        shown = ", ".join(f"`{alias}`" for alias in aliases or []) or "none"
        model = f"`models:/{name}/{version}`"
        if ui_base:  # link text stays plain: some renderers show backticks inside links
            model = f"[models:/{name}/{version}]({ui_base}/#/models/{name}/versions/{version})"
        lines += [
            f"- **Model version**: {model}, aliases: {shown}",
            f"- **Quality gate**: {registration.get('reason', '')}",
        ]
    lines.append(f"- **MLflow run**: {run_link(ui_base, experiment_id, run_id)}")
    lines.append(f"- **Tracking store**: `{redact(tracking_uri)}`")
    if train:
        resumed = (
            f", resumed from epoch {train['resumed_from_epoch']}" if train.get("resumed") else ""
        )
        lines.append(
            f"- **Training**: {train.get('epochs')} epochs, {train.get('steps')} steps, "
            f"{_rate(train)}, precision {train.get('precision')}" + resumed
        )
    if results.get("evaluate"):
        lines += ["", "## Metrics", "", metrics_table(results["evaluate"])]
    lines += ["", "## Samples", "", samples_markdown(samples)]
    for picture in pictures or []:
        title = picture.stem.replace("_", " ").capitalize()
        lines += ["", f"## {title}", "", picture_markdown(picture, title)]
    return "\n".join(lines) + "\n"


def terminal_summary(results: dict[str, dict[str, Any]], samples: Path) -> str:
    """A terminal-wide summary: every metric that has a floor beside it, how training
    ended, the gate's decision and where the samples are."""
    metrics, train = results.get("evaluate", {}), results.get("train", {})
    registration = results.get("register", {})
    rows = [
        (key, _number(value), _number(metrics[f"{key}_floor"]))
        for key, value in metrics.items()
        if f"{key}_floor" in metrics and isinstance(value, int | float)
    ]
    lines = []
    if rows:
        width = max(len("metric"), *(len(key) for key, _, _ in rows))
        lines.append(f"{'metric':<{width}}  {'model':>10}  {'floor':>10}")
        lines += [f"{key:<{width}}  {value:>10}  {floor:>10}" for key, value, floor in rows]
        lines.append("(floor: real training data measured the same way; see docs/evaluation.md)")
    if train:
        minutes = float(train.get("seconds", 0)) / 60
        lines.append(
            f"training: {minutes:.1f} min, {train.get('steps')} steps, {_rate(train)}, "
            f"precision {train.get('precision')}, stopped by {train.get('stopped_by', '?')}"
        )
    if registration:
        lines.append(
            f"registered: models:/{registration['model_name']}/{registration['version']} "
            f"({registration['metric']} {_number(registration['value'])}): "
            f"{registration.get('reason', '')}"
        )
    lines.append(f"samples: {samples}")
    return "\n".join(lines) + "\n"


def _rate(train: dict[str, Any]) -> str:
    if "samples_per_second" in train:
        return f"{train['samples_per_second']} samples/s"
    return f"{train.get('images_per_second')} img/s"


def failure_markdown(title: str, stage: str, error: BaseException) -> str:
    """Which stage failed and why, with the hint of a ganops error."""
    hint = getattr(error, "hint", None)
    message = getattr(error, "message", None) or str(error)
    lines = [f"# {title}: failed at stage `{stage}`", "", f"**{type(error).__name__}**: {message}"]
    if hint:
        lines += ["", f"Hint: {hint}"]
    return "\n".join(lines) + "\n"
