"""Salimans et al. 2016's techniques, each against hand-computed values on small tensors."""

from __future__ import annotations

import importlib
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganops.evaluation.coverage import classifier_score
from ganops.models.dcgan import build_discriminator
from ganops.models.features import FEATURE_LAYER, with_features
from ganops.models.minibatch import MinibatchDiscrimination, MinibatchStdDev
from ganops.training.feature_matching import feature_matching_loss
from ganops.training.historical_averaging import HistoricalAverage
from ganops.training.label_smoothing import one_sided_smoothing, smoothed_cross_entropy_d_loss


@pytest.fixture(autouse=True)
def _float32_policy():
    yield
    keras.mixed_precision.set_global_policy("float32")


# --- classifier score -----------------------------------------------------------------------


def test_classifier_score_hand_computed_two_class_case() -> None:
    # p(y|x) rows (0.9, 0.1) and (0.1, 0.9): p(y) = (0.5, 0.5); each KL is
    # 0.9 ln 1.8 + 0.1 ln 0.2, so the score is exp of that.
    probabilities = np.array([[0.9, 0.1], [0.1, 0.9]])
    expected = math.exp(0.9 * math.log(1.8) + 0.1 * math.log(0.2))
    assert classifier_score(probabilities) == pytest.approx(expected, rel=1e-9)
    # Uniform predictions say nothing about the class: 1. Balanced one-hot over K: K.
    assert classifier_score(np.full((6, 3), 1 / 3)) == pytest.approx(1.0)
    assert classifier_score(np.eye(5)[[0, 1, 2, 3, 4] * 2]) == pytest.approx(5.0, rel=1e-6)


# --- one-sided label smoothing --------------------------------------------------------------


def test_one_sided_label_smoothing_hand_computed() -> None:
    # logit ln 3 -> D = 0.75: -ln D = ln(4/3), -ln(1 - D) = ln 4.
    real = np.array([[math.log(3.0)]], "float32")
    fake = np.array([[math.log(3.0)]], "float32")
    epsilon = 0.1
    expected_real = 0.9 * math.log(4 / 3) + 0.1 * math.log(4)
    expected_fake = math.log(4)  # the fake target stays 0: not smoothed
    loss = float(smoothed_cross_entropy_d_loss(real, fake, epsilon))
    assert loss == pytest.approx(expected_real + expected_fake, rel=1e-6)
    assert float(one_sided_smoothing(epsilon)(real, fake)) == pytest.approx(loss)


def test_label_smoothing_zero_is_the_plain_cross_entropy() -> None:
    real = np.array([[0.0], [2.0]], "float32")
    fake = np.array([[0.5], [-1.0]], "float32")
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    plain = np.mean(softplus(-real)) + np.mean(softplus(fake))
    assert float(smoothed_cross_entropy_d_loss(real, fake, 0.0)) == pytest.approx(plain, rel=1e-6)


def test_smoothing_moves_the_optimal_real_output_to_one_minus_epsilon() -> None:
    # The real term is minimised where sigmoid(logit) = 1 - epsilon: its gradient is zero there.
    logit = tf.Variable([[math.log(0.8 / 0.2)]])
    with tf.GradientTape() as tape:
        loss = smoothed_cross_entropy_d_loss(logit, tf.fill([1, 1], -30.0), 0.2)
    assert abs(float(tape.gradient(loss, logit)[0, 0])) < 1e-6


# --- feature matching -----------------------------------------------------------------------


def test_feature_matching_hand_computed() -> None:
    real = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")  # mean (2, 3)
    fake = np.array([[0.0, 0.0], [2.0, 0.0]], "float32")  # mean (1, 0)
    # ((2 - 1)^2 + (3 - 0)^2) / 2 dimensions = 5
    assert float(feature_matching_loss(real, fake)) == pytest.approx(5.0)
    assert float(feature_matching_loss(real, real[::-1])) == 0.0  # same mean, any order


def test_feature_matching_flattens_feature_maps_and_gives_no_gradient_to_real() -> None:
    real = tf.Variable(np.ones((2, 2, 2, 1), "float32"))
    fake = tf.Variable(np.zeros((2, 2, 2, 1), "float32"))
    with tf.GradientTape(persistent=True) as tape:
        loss = feature_matching_loss(real, fake)
    assert float(loss) == pytest.approx(1.0)
    assert tape.gradient(loss, real) is None
    # d/dfake of mean_d (1 - mean_b fake)^2 = -2 (1 - 0) / (4 dims * 2 samples) each
    np.testing.assert_allclose(tape.gradient(loss, fake).numpy(), -0.25)


@pytest.mark.parametrize("architecture", ["dcgan", "resnet"])
@pytest.mark.parametrize("minibatch", ["none", "stddev", "discrimination"])
def test_discriminator_exposes_its_feature_layer(architecture: str, minibatch: str) -> None:
    module = importlib.import_module(f"ganops.models.{architecture}")
    discriminator = module.build_discriminator((28, 28, 1), base_filters=4, minibatch=minibatch)
    both = with_features(discriminator)
    logits, features = both(np.zeros((3, 28, 28, 1), "float32"))
    assert tuple(logits.shape) == (3, 1)
    # DCGAN: flattened 7x7 maps; ResNet: pooled channels. The std channel comes before both.
    width = (7 * 7 if architecture == "dcgan" else 1) * (8 + (minibatch == "stddev"))
    assert tuple(features.shape) == (3, width)
    # Shared weights: the features model trains the discriminator itself.
    assert {id(w) for w in both.weights} == {id(w) for w in discriminator.weights}
    assert discriminator.get_layer(FEATURE_LAYER) is both.get_layer(FEATURE_LAYER)


def test_with_features_names_a_missing_layer() -> None:
    from ganops.errors import ConfigError

    inputs = keras.Input((4,))
    plain = keras.Model(inputs, keras.layers.Dense(1)(inputs), name="plain")
    with pytest.raises(ConfigError, match="no layer named 'features'"):
        with_features(plain)


# --- minibatch features ---------------------------------------------------------------------


def test_minibatch_stddev_hand_computed() -> None:
    # Two samples, two features: stds |1 - 3| / 2 = 1 and |0 - 4| / 2 = 2 -> mean 1.5.
    x = np.array([[[[1.0, 0.0]]], [[[3.0, 4.0]]]], "float32")  # (2, 1, 1, 2)
    out = MinibatchStdDev()(x).numpy()
    assert out.shape == (2, 1, 1, 3)
    np.testing.assert_allclose(out[..., :2], x)
    np.testing.assert_allclose(out[..., 2], 1.5, rtol=1e-6)
    # Identical samples (a collapsed generator) give ~0: the signal the discriminator uses.
    assert float(MinibatchStdDev()(np.repeat(x[:1], 4, axis=0))[0, 0, 0, 2]) < 1e-3


def test_minibatch_discrimination_hand_computed() -> None:
    layer = MinibatchDiscrimination(kernels=2, kernel_dim=1)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], "float32")
    layer.build(x.shape)
    # T maps features to M = (x0, 2 x1): kernel 0 reads feature 0, kernel 1 twice feature 1.
    layer.projection.assign(np.array([[1.0, 0.0], [0.0, 2.0]], "float32"))
    out = layer(x).numpy()
    # Kernel 0 values (1, 0, 1): sample 0 sums exp(0) + exp(-1) + exp(0) = 2 + e^-1.
    # Kernel 1 values (0, 2, 0): sample 1 sums exp(-2) + exp(0) + exp(-2) = 1 + 2 e^-2.
    e1, e2 = math.exp(-1), math.exp(-2)
    expected = np.array([[2 + e1, 2 + e2], [1 + 2 * e1, 1 + 2 * e2], [2 + e1, 2 + e2]])
    np.testing.assert_allclose(out[:, :2], x)
    np.testing.assert_allclose(out[:, 2:], expected, rtol=1e-6)


@pytest.mark.parametrize("architecture", ["dcgan", "resnet"])
@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("minibatch", ["stddev", "discrimination"])
@pytest.mark.parametrize("n_classes", [0, 3])
def test_minibatch_discriminators_keep_one_logit(
    architecture: str, size: int, minibatch: str, n_classes: int
) -> None:
    module = importlib.import_module(f"ganops.models.{architecture}")
    discriminator = module.build_discriminator(
        (size, size, 3), base_filters=4, n_classes=n_classes, minibatch=minibatch
    )
    assert discriminator.get_layer(f"minibatch_{minibatch}") is not None
    images = np.zeros((2, size, size, 3), "float32")
    inputs = [images, np.array([[0], [2]], "int32")] if n_classes else images
    assert tuple(discriminator(inputs).shape) == (2, 1)
    if n_classes:  # feature matching works with the conditional discriminator too
        logits, _ = with_features(discriminator)(inputs)
        assert tuple(logits.shape) == (2, 1)


def test_builders_pass_the_minibatch_setting_to_both_architectures() -> None:
    from ganops.config import TrainConfig
    from ganops.models.builders import build_image_models

    for architecture in ("dcgan", "resnet"):
        config = TrainConfig(
            architecture=architecture, latent_dim=8, improved={"minibatch": "stddev"}
        )
        _, discriminator = build_image_models(config, (28, 28, 1))
        assert discriminator.get_layer("minibatch_stddev") is not None


def test_minibatch_layers_under_mixed_precision_and_saving(tmp_path) -> None:
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    discriminator = build_discriminator((28, 28, 1), base_filters=4, minibatch="discrimination")
    assert discriminator.output.dtype == "float32"
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    before = discriminator(images).numpy()
    keras.mixed_precision.set_global_policy("float32")
    for kind in ("stddev", "discrimination"):
        model = build_discriminator((28, 28, 1), base_filters=4, minibatch=kind)
        model.save(tmp_path / f"{kind}.keras")
        loaded = keras.saving.load_model(tmp_path / f"{kind}.keras")
        np.testing.assert_allclose(loaded(images).numpy(), model(images).numpy(), rtol=1e-5)
    assert np.isfinite(before).all()


# --- historical averaging -------------------------------------------------------------------


def test_historical_average_hand_computed() -> None:
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable([[0.0]])
    average = HistoricalAverage([a, b])
    assert float(average.penalty()) == 0.0  # the mean starts at the current values
    a.assign([3.0, 2.0])
    b.assign([[1.0]])
    # means (1, 2) and 0: (3 - 1)^2 + 0 + (1 - 0)^2 = 5
    assert float(average.penalty()) == pytest.approx(5.0)
    average.update()  # means of {initial, now}: (2, 2) and 0.5
    np.testing.assert_allclose(average.means[0].numpy(), [2.0, 2.0])
    np.testing.assert_allclose(average.means[1].numpy(), [[0.5]])
    a.assign([5.0, 2.0])
    average.update()  # means of {1, 3, 5} = 3 and {0, 1, 1} = 2/3
    np.testing.assert_allclose(average.means[0].numpy(), [3.0, 2.0])
    np.testing.assert_allclose(average.means[1].numpy(), [[2 / 3]], rtol=1e-6)
    assert float(average.penalty()) == pytest.approx((5 - 3) ** 2 + (1 - 2 / 3) ** 2, rel=1e-6)


def test_historical_average_gradient_pulls_towards_the_mean_and_checkpoints(tmp_path) -> None:
    v = tf.Variable([4.0])
    average = HistoricalAverage([v])
    v.assign([6.0])
    with tf.GradientTape() as tape:
        penalty = average.penalty()
    assert float(tape.gradient(penalty, v)[0]) == pytest.approx(2 * (6.0 - 4.0))
    average.update()
    path = tf.train.Checkpoint(average=average).save(str(tmp_path / "ckpt"))
    restored = HistoricalAverage([tf.Variable([0.0])])
    tf.train.Checkpoint(average=restored).restore(path).assert_existing_objects_matched()
    assert float(restored.means[0][0]) == pytest.approx(5.0)
    assert float(restored.count) == 2.0


def test_evaluate_reports_the_classifier_score_beside_its_real_data_ceiling(tmp_path) -> None:
    """metrics.json: ``classifier_score`` of the fakes, ``classifier_score_floor`` of the real
    test images (for this higher-is-better score the real-data value is the ceiling)."""
    from ganops.config import Config
    from ganops.evaluation.classifier import DomainClassifier
    from ganops.evaluation.features import to_unit_interval
    from ganops.evaluation.image_metrics import evaluate_generator

    keras.utils.set_random_seed(3)
    image = keras.Input((8, 8, 1))
    features = keras.layers.Dense(4)(keras.layers.Flatten()(image))
    probabilities = keras.layers.Dense(3, activation="softmax")(features * 5.0)
    model = keras.Model(image, [features, probabilities])
    classifier = DomainClassifier(model, {"test_accuracy": 0.5, "feature_scale": 1.0, "key": "t"})
    z = keras.Input((6,))
    generator = keras.Model(z, keras.layers.Reshape((8, 8, 1))(keras.layers.Dense(64, "tanh")(z)))
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (80, 8, 8, 1), dtype=np.uint8)
    test = rng.integers(0, 256, (40, 8, 8, 1), dtype=np.uint8)
    config = Config.model_validate(
        {"evaluate": {"n_samples": 30, "batch_size": 15, "kid_subsets": 3, "kid_subset_size": 20}}
    ).evaluate
    metrics, fakes = evaluate_generator(generator, train, test, config, classifier, tmp_path)
    ceiling = classifier_score(model.predict_on_batch(to_unit_interval(test))[1])
    assert metrics["classifier_score_floor"] == pytest.approx(ceiling, rel=1e-5)
    fake_score = classifier_score(model.predict_on_batch(to_unit_interval(fakes))[1])
    assert metrics["classifier_score"] == pytest.approx(fake_score, rel=1e-5)
    assert "fid_domain" in metrics and "fid_domain_floor" in metrics
