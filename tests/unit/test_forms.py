"""The Prefect run forms are derived from the config schema, with params.yaml defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from ganops.config import Config, Loss, Precision, load_config
from ganops.forms import form_models, form_overrides
from ganops.modalities import modality_named
from ganops.models.shapes import IMAGE_SIZES
from tests.conftest import PROJECT_ROOT

FORM_SECTIONS = modality_named("image").form_sections


@pytest.fixture
def forms(tmp_path: Path) -> dict:
    params = yaml.safe_load((PROJECT_ROOT / "params.yaml").read_text())
    params["train"]["epochs"] = 7  # a default that differs from the schema's
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return form_models(path, FORM_SECTIONS)


def test_defaults_come_from_params_yaml(forms: dict) -> None:
    assert forms["train"]().epochs == 7
    assert Config.model_fields["train"].default.epochs != 7


def test_every_config_field_is_in_the_form_with_its_description(forms: dict) -> None:
    for section in FORM_SECTIONS:
        schema = Config.model_fields[section].annotation
        form = forms[section].model_json_schema()
        assert set(form["properties"]) == set(schema.model_fields)
        for name, field in schema.model_fields.items():
            assert form["properties"][name].get("description") == field.description


def test_choices_are_dropdowns_and_numbers_have_bounds(forms: dict) -> None:
    schema = forms["train"].model_json_schema()
    assert schema["$defs"]["Loss"]["enum"] == [member.value for member in Loss]
    assert schema["$defs"]["Precision"]["enum"] == [member.value for member in Precision]
    assert schema["properties"]["epochs"]["minimum"] == 0
    assert schema["properties"]["snapshot_kimg"]["exclusiveMinimum"] == 0
    assert schema["properties"]["g_learning_rate"]["exclusiveMinimum"] == 0
    data = forms["data"].model_json_schema()
    assert data["properties"]["image_size"]["enum"] == list(IMAGE_SIZES)
    assert "enum" in str(data["$defs"]["Dataset"])


@pytest.mark.parametrize(
    ("section", "values"),
    [
        ("train", {"epochs": -1}),
        ("train", {"loss": "hinge-typo"}),
        ("train", {"learning_rate": 0.1}),  # unknown key
        ("data", {"image_size": 30}),
        ("register", {"model_name": "bad name/with slash"}),
    ],
)
def test_invalid_values_are_refused_by_the_form(forms: dict, section: str, values: dict) -> None:
    with pytest.raises(ValidationError):
        forms[section](**values)


def test_only_changed_fields_become_overrides(forms: dict) -> None:
    train = forms["train"](epochs=2, loss="non_saturating")  # loss equals the default
    overrides = form_overrides(train=train, data=forms["data"](), register=None)
    assert overrides == {"train.epochs": 2}
    config = load_config(PROJECT_ROOT / "params.yaml", overrides)
    assert config.train.epochs == 2


def test_a_flow_can_expose_other_sections() -> None:
    assert list(form_models(PROJECT_ROOT / "params.yaml", ("train",))) == ["train"]


def test_nested_settings_are_a_nested_form_and_become_dotted_overrides(forms: dict) -> None:
    train = forms["train"](improved={"label_smoothing": 0.1})
    assert form_overrides(train=train) == {"train.improved.label_smoothing": 0.1}
    config = load_config(PROJECT_ROOT / "params.yaml", form_overrides(train=train))
    assert config.train.improved.label_smoothing == 0.1
    with pytest.raises(ValidationError):  # nested bounds are enforced by the form too
        forms["train"](improved={"label_smoothing": 0.9})
