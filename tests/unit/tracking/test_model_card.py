from ganops.config import load_config
from ganops.tracking.model_card import model_description, version_card
from tests.conftest import PROJECT_ROOT


def test_the_version_card_holds_the_gate_metric_beside_its_floor_and_how_to_sample() -> None:
    config = load_config(PROJECT_ROOT / "params-text.yaml")
    metrics = {"jsd_4": 0.2149, "jsd_4_floor": 0.1984, "temperature": 0.9}
    train = {"seconds": 900.0, "steps": 6563, "kimg": 420.0, "stopped_by": "max_seconds"}
    card = version_card(config, "3", metrics, train, "first version of this model", "abc123")

    assert "ganops-fortunes v3" in card and "fortunes-language-gan" in card
    assert "`jsd_4` = 0.2149 (lower is better" in card and "0.1984" in card
    assert "15.0 min, 6563 steps" in card and "stopped by max_seconds" in card
    assert "abc123" in card and "temperature** 0.9" in card
    assert "ganops sample models:/ganops-fortunes/3" in card
    assert "fortunes" in model_description(config)
