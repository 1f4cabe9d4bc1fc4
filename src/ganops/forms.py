"""Typed run forms for the Prefect UI, derived from the config schema (never copied from it).

Each section of ``ganops.config.Config`` becomes a pydantic model whose defaults are the values
in ``params.yaml``, with the schema's descriptions, bounds and enums: Prefect turns such a
model parameter into a form with dropdowns, and its server refuses a value outside the bounds
before the run is created. Cross-field rules (batch vs data size, ...) are checked by the flow
with the full config before any task runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, create_model
from pydantic.fields import FieldInfo

from ganops.config import Config, flatten
from ganops.models.shapes import IMAGE_SIZES

# Integer choices that the schema checks in a validator: shown as dropdowns in the form too.
INT_CHOICES: dict[str, tuple[int, ...]] = {
    "data.image_size": IMAGE_SIZES,
    "data.channels": (1, 3),
}


def _with_default(field: FieldInfo, default: Any) -> FieldInfo:
    """A copy of ``field`` (description, bounds, enum type) with another default."""
    return FieldInfo.merge_field_infos(field, default=default)


def section_form(
    section: str, values: dict[str, Any], schema: type[BaseModel] | None = None
) -> type[BaseModel]:
    """The form model of one config section (``schema``: a nested part of one, such as
    ``train.improved``), defaulting to ``values`` (from params.yaml)."""
    if schema is None:
        schema = Config.model_fields[section].annotation  # type: ignore[assignment]
    assert schema is not None
    fields: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested = section_form(f"{section}.{name}", values.get(name) or {}, annotation)
            fields[name] = (nested, Field(default=nested(), description=field.description))
            continue
        choices = INT_CHOICES.get(f"{section}.{name}")
        if choices:
            annotation = Literal[choices]  # type: ignore[valid-type]
        default = values.get(name, field.default)
        fields[name] = (annotation, _with_default(field, default))
    # Subclassing the section keeps its validators and its "no unknown keys" rule.
    title = "".join(part.title() for part in section.split("."))
    return create_model(f"{title}Parameters", __base__=schema, **fields)


def read_params(params_file: Path) -> dict[str, Any]:
    tree = yaml.safe_load(params_file.read_text()) if params_file.is_file() else None
    return tree if isinstance(tree, dict) else {}


def form_models(params_file: Path, sections: tuple[str, ...]) -> dict[str, type[BaseModel]]:
    """Section name -> form model, defaults read from ``params_file`` (missing: schema's).

    ``sections``: the config sections a flow exposes (each modality lists its own; the
    ``tracking`` section never is: where results go is decided by whoever serves the
    deployment, not the form)."""
    tree = read_params(params_file)
    return {section: section_form(section, tree.get(section) or {}) for section in sections}


def form_overrides(**sections: BaseModel | None) -> dict[str, Any]:
    """Filled-in forms -> dotted overrides for ``load_config``: only the fields a person
    changed from the form's defaults, so ``params_file`` still decides everything else."""
    overrides: dict[str, Any] = {}
    for section, form in sections.items():
        if form is None:
            continue
        defaults = flatten(type(form)().model_dump(mode="json"), f"{section}.")
        changed = flatten(form.model_dump(mode="json"), f"{section}.")
        overrides |= {key: value for key, value in changed.items() if value != defaults.get(key)}
    return overrides
