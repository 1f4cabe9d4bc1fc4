"""The parameter reference, generated from the config schema (never hand-copied).

``ganops params --markdown > docs/parameters.md``; a test keeps the committed file current.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ganops.config import Config


def _allowed(field: FieldInfo) -> str:
    annotation = field.annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " \\| ".join(f"`{member.value}`" for member in annotation)
    bounds = []
    for item in field.metadata:
        for name, symbol in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(item, name, None)
            if value is not None:
                bounds.append(f"{symbol} {value}")
    kind = getattr(annotation, "__name__", str(annotation))
    return kind + (f" ({', '.join(bounds)})" if bounds else "")


def _default(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    return f"`{value!r}`" if isinstance(value, str) else f"`{value}`"


def parameters_markdown(schema: type[BaseModel] = Config) -> str:
    lines = [
        "# Parameters",
        "",
        "Generated from `ganops.config` by `ganops params --markdown`; do not edit by hand.",
        "Set them in `params.yaml`, with `--set section.key=value` on any `ganops` command,",
        "`dvc exp run -S section.key=value`, or in the Prefect run form.",
    ]
    for section, section_field in schema.model_fields.items():
        model = section_field.annotation
        lines += [
            "",
            f"## `{section}`",
            "",
            "| key | default | allowed | what |",
            "| --- | --- | --- | --- |",
        ]
        lines += _rows(section, model)
    return "\n".join(lines) + "\n"


def _rows(prefix: str, model: type[BaseModel]) -> list[str]:
    """One row per key; a nested section (e.g. ``train.improved``) adds its keys, dotted."""
    rows = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += _rows(f"{prefix}.{name}", annotation)
            continue
        description = (field.description or "").replace("|", "\\|")
        rows.append(
            f"| `{prefix}.{name}` | {_default(field.default)} | {_allowed(field)} | {description} |"
        )
    return rows
