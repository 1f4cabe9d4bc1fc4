"""Evaluation wiring: conditional and unconditional generators, pictures, the label-free path,
cached floors, and the quality gate's settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ganops.config import Config, load_config
from ganops.errors import ConfigError
from ganops.evaluation import conditioning
from ganops.evaluation.classifier import has_labels
from ganops.evaluation.image_metrics import evaluate_generator, generate
from ganops.evaluation.pictures import class_grid_images, interpolation_images, slerp

LATENT, CLASSES = 6, 3


def unconditional_generator():
    import keras

    z = keras.Input((LATENT,), name="z")
    x = keras.layers.Dense(8 * 8, activation="tanh")(z)
    return keras.Model(z, keras.layers.Reshape((8, 8, 1))(x))


def conditional_generator(one_hot: bool = False, label_first: bool = False):
    """Output pixel value encodes the class, so tests can read the label back."""
    import keras

    z = keras.Input((LATENT,), name="z")
    if one_hot:
        label = keras.Input((CLASSES,), name="label")
        code = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")(
            keras.layers.Multiply()([label, keras.ops.arange(CLASSES, dtype="float32")[None]])
        )
    else:
        label = keras.Input((1,), dtype="int32", name="label")
        code = keras.layers.Flatten()(
            keras.layers.Embedding(CLASSES, 1, embeddings_initializer="zeros")(label)
        )
        code = keras.layers.Lambda(lambda c: c * 0.0)(code) + keras.ops.cast(label, "float32")
    x = keras.layers.Dense(16, use_bias=False)(z) * 0.0 + code / CLASSES
    image = keras.layers.Reshape((4, 4, 1))(x)
    inputs = [label, z] if label_first else [z, label]
    return keras.Model(inputs, image)


def test_unconditional_generation_is_reproducible_per_seed() -> None:
    generator = unconditional_generator()
    assert not conditioning.is_conditional(generator)
    assert conditioning.latent_dim(generator) == LATENT
    images = generate(generator, 10, first_seed=5, batch_size=4)
    assert images.shape == (10, 8, 8, 1)
    np.testing.assert_allclose(images[3], conditioning.sample(generator, [8])[0], atol=1e-6)


@pytest.mark.parametrize(("one_hot", "label_first"), [(False, False), (True, False), (False, True)])
def test_conditional_generation_gets_balanced_labels(one_hot: bool, label_first: bool) -> None:
    generator = conditional_generator(one_hot, label_first)
    assert conditioning.is_conditional(generator)
    assert conditioning.latent_dim(generator) == LATENT
    images = generate(generator, 7, first_seed=0, batch_size=3, n_classes=CLASSES)
    labels = np.round(images[:, 0, 0, 0] * CLASSES).astype(int)
    np.testing.assert_array_equal(labels, [0, 1, 2, 0, 1, 2, 0])
    with pytest.raises(ValueError, match="n_classes"):
        generate(generator, 2, 0, 2)


def test_per_class_grid_and_interpolation_strip() -> None:
    generator = conditional_generator()
    grid = class_grid_images(generator, CLASSES, per_class=4)
    assert grid.shape == (CLASSES * 4, 4, 4, 1)
    np.testing.assert_array_equal(
        np.round(grid[:, 0, 0, 0] * CLASSES).astype(int), np.repeat(np.arange(CLASSES), 4)
    )
    strip = interpolation_images(generator, rows=2, steps=5, n_classes=CLASSES)
    assert strip.shape == (10, 4, 4, 1)
    with pytest.raises(ValueError, match="conditional"):
        class_grid_images(unconditional_generator(), CLASSES)
    assert interpolation_images(unconditional_generator(), rows=3, steps=4).shape == (12, 8, 8, 1)


def test_slerp_ends_and_norm() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(50), rng.standard_normal(50)
    path = slerp(a, b, np.linspace(0, 1, 7))
    np.testing.assert_allclose(path[0], a, atol=1e-9)
    np.testing.assert_allclose(path[-1], b, atol=1e-9)
    # The spherical path keeps norms between the ends' (a straight line would dip in between).
    norms = np.linalg.norm(path, axis=1)
    assert norms.min() >= min(np.linalg.norm(a), np.linalg.norm(b)) - 1e-9


def test_label_free_evaluation_and_cached_floors(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (120, 8, 8, 1), dtype=np.uint8)
    test = rng.integers(0, 256, (60, 8, 8, 1), dtype=np.uint8)
    config = Config.model_validate(
        {"evaluate": {"n_samples": 50, "batch_size": 25, "kid_subsets": 5, "kid_subset_size": 40}}
    ).evaluate
    metrics, fakes = evaluate_generator(
        unconditional_generator(), train, test, config, classifier=None, cache=tmp_path
    )
    assert fakes.shape == (50, 8, 8, 1)
    assert metrics["n_fake"] == 50 and metrics["n_real"] == 60
    assert metrics["feature_space_domain"].startswith("pixels")
    assert metrics["label_metrics"].startswith("skipped")
    assert "class_entropy" not in metrics and "classifier_score" not in metrics
    for name in ("fid_domain", "kid_domain", "precision_domain", "recall_domain", "fid_pixels"):
        assert isinstance(metrics[name], float) and isinstance(metrics[f"{name}_floor"], float)
    # Without a classifier the domain space is the pixel space.
    assert metrics["fid_domain"] == pytest.approx(metrics["fid_pixels"])
    # Floors are cached per data version; a second evaluation reads them back.
    cached = sorted(p.name.split("-")[0] + "-" + p.name.split("-")[1] for p in tmp_path.iterdir())
    assert cached == ["domain-features", "domain-floor", "pixel-floor"]
    floor_file = next(tmp_path.glob("domain-floor-*.json"))
    floor_file.write_text(json.dumps({**json.loads(floor_file.read_text()), "fid_domain": 123.0}))
    again, _ = evaluate_generator(
        unconditional_generator(), train, test, config, classifier=None, cache=tmp_path
    )
    assert again["fid_domain_floor"] == 123.0


def test_has_labels() -> None:
    assert has_labels(np.array([0, 3, 1]))
    assert not has_labels(np.array([], np.int64))
    assert not has_labels(np.array([-1, -1]))


def test_gate_metric_default_and_unknown_names(project_root: Path) -> None:
    assert load_config(project_root / "params.yaml").register.metric == "fid_domain"
    with pytest.raises(ConfigError) as caught:
        load_config(project_root / "params.yaml", {"register.metric": "fid"})
    assert "register.metric" in caught.value.message and "'fid_domain'" in caught.value.message
    assert "'kid_inception'" in caught.value.message


def test_gate_direction_and_inception_requirement(project_root: Path) -> None:
    params = project_root / "params.yaml"
    with pytest.raises(ConfigError, match="lower_is_better must be false"):
        load_config(params, {"register.metric": "recall_domain"})
    config = load_config(
        params, {"register.metric": "recall_domain", "register.lower_is_better": False}
    )
    assert config.register.metric == "recall_domain"
    with pytest.raises(ConfigError, match=r"needs evaluate\.inception: true"):
        load_config(params, {"register.metric": "fid_inception"})
    assert load_config(
        params, {"register.metric": "fid_inception", "evaluate.inception": True}
    ).evaluate.inception
