"""The model card: a markdown description of each registered version (and a short one of the
registered model), shown on their pages in the MLflow UI, so nobody has to open a run to know
what version N is, how good it is and how to sample it."""

from __future__ import annotations

from typing import Any

from ganops.config import Config


def _number(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def version_card(
    config: Config,
    version: str,
    metrics: dict[str, Any],
    train: dict[str, Any],
    decision_reason: str,
    data_md5: str,
) -> str:
    """What this version generates, from which data, how it was trained, how it scored beside
    its floor and the champion it was compared with, and how to sample it."""
    name, metric = config.register.model_name, config.register.metric
    value, floor = metrics.get(metric), metrics.get(f"{metric}_floor")
    direction = "lower" if config.register.lower_is_better else "higher"
    minutes = float(train.get("seconds", 0.0)) / 60
    lines = [
        f"## {name} v{version}: {config.modality.name} GAN `{config.modality.run_label(config)}`",
        "",
        f"- **Generates**: {config.modality.name} samples like `{config.data.dataset}` "
        f"(`{config.data.path}`, data.dvc md5 `{data_md5}`).",
        f"- **Training**: {minutes:.1f} min, {train.get('steps', '?')} steps "
        f"({train.get('kimg', '?')} kimg), stopped by {train.get('stopped_by', '?')}, "
        f"precision {train.get('precision', '?')}, loss `{config.train.loss}`, "
        f"penalty `{config.train.penalty}`, EMA {config.train.ema_decay:g}.",
        f"- **Quality gate**: `{metric}` = {_number(value)} ({direction} is better; floor, real "
        f"data measured the same way: {_number(floor)}). {decision_reason}.",
    ]
    if "temperature" in metrics:
        lines.append(f"- **Samples at temperature** {metrics['temperature']:g} by default.")
    lines += [
        "",
        "Sample it:",
        "```",
        f"ganops sample models:/{name}/{version} -n 64 --seed 0",
        "```",
        "```python",
        "import ganops",
        f'samples = ganops.load_generator("models:/{name}/{version}").sample(16, seed=0)',
        "```",
    ]
    return "\n".join(lines) + "\n"


def model_description(config: Config) -> str:
    """The registered model's one paragraph: what every version of it is."""
    return (
        f"{config.modality.name.capitalize()} generators trained by ganops on "
        f"`{config.data.dataset}`. Alias `candidate`: the newest version; `champion`: the best "
        f"by `{config.register.metric}` that passed the sanity check. Each version's "
        "description says how it was trained and how it scored."
    )
