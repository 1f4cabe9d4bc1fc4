"""The one validated configuration object: load ``params.yaml``, apply overrides, validate.

Every setting lives in ``params.yaml`` grouped by stage. Unknown keys (typos) are rejected, and
each error names the dotted key, what was given and what is allowed, before any work starts.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ganops.errors import ConfigError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=True)


class Dataset(StrEnum):
    fashion_mnist = "fashion-mnist"
    image_folder = "image-folder"
    fortunes = "fortunes"  # text: a fortunes-style folder (`%` entries)
    text_file = "text-file"  # text: one UTF-8 file, one sample per line or text.separator


TEXT_DATASETS = frozenset({"fortunes", "text-file"})


# Square image sizes the generators can produce (stride-2 steps from 7x7 or 8x8).
IMAGE_SIZES = (28, 32, 64)


class Loss(StrEnum):
    non_saturating = "non_saturating"
    minimax = "minimax"
    wgan = "wgan"
    wgan_gp = "wgan_gp"
    hinge = "hinge"
    least_squares = "least_squares"


class Optimizer(StrEnum):
    adam = "adam"
    sgd = "sgd"
    rmsprop = "rmsprop"


class Architecture(StrEnum):
    dcgan = "dcgan"
    resnet = "resnet"


class Strategy(StrEnum):
    auto = "auto"
    default = "default"
    mirrored = "mirrored"
    multi_worker = "multi_worker"


class Precision(StrEnum):
    auto = "auto"
    float32 = "float32"
    mixed_bfloat16 = "mixed_bfloat16"
    mixed_float16 = "mixed_float16"


class GateMetric(StrEnum):
    """Numbers in metrics.json that the registry's quality gate may compare."""

    fid_domain = "fid_domain"
    kid_domain = "kid_domain"
    precision_domain = "precision_domain"
    recall_domain = "recall_domain"
    class_entropy = "class_entropy"
    classes_seen = "classes_seen"
    classifier_score = "classifier_score"
    fid_pixels = "fid_pixels"
    fid_inception = "fid_inception"
    kid_inception = "kid_inception"
    # text (data.dataset fortunes | text-file)
    jsd_1 = "jsd_1"
    jsd_2 = "jsd_2"
    jsd_3 = "jsd_3"
    jsd_4 = "jsd_4"
    bleu_2 = "bleu_2"
    bleu_4 = "bleu_4"
    self_bleu_2 = "self_bleu_2"
    self_bleu_4 = "self_bleu_4"


HIGHER_IS_BETTER = frozenset(
    {"precision_domain", "recall_domain", "class_entropy", "classes_seen", "classifier_score"}
)
# Text: BLEU is a quality (higher is better); JSD and Self-BLEU are lower-is-better.
HIGHER_IS_BETTER = HIGHER_IS_BETTER | {"bleu_2", "bleu_4"}
TEXT_GATE_METRICS = frozenset(
    {"jsd_1", "jsd_2", "jsd_3", "jsd_4", "bleu_2", "bleu_4", "self_bleu_2", "self_bleu_4"}
)


class DataConfig(Strict):
    dataset: Dataset = Field(Dataset.fashion_mnist, description="Which dataset to train on.")
    path: str = Field("data/fashion-mnist", description="Folder of the raw files (under data/).")
    limit_train: int = Field(
        0, ge=0, description="Use only the first N training images (0 = all); for smoke tests."
    )
    limit_test: int = Field(0, ge=0, description="Use only the first N test images (0 = all).")
    # image-folder only: a folder of PNG/JPEG files, optionally one subfolder per class.
    image_size: int = Field(
        28, description=f"image-folder: square side length, one of {IMAGE_SIZES}."
    )
    channels: int = Field(
        1, description="image-folder: 1 (grayscale) or 3 (RGB); others are converted."
    )
    resize: bool = Field(False, description="image-folder: resize other sizes instead of skipping.")
    max_bad_fraction: float = Field(
        0.01, ge=0, le=1, description="image-folder, text: share of unusable samples tolerated."
    )
    test_fraction: float = Field(
        0.1, gt=0, lt=1, description="image-folder, text: share held out (test split)."
    )
    split_seed: int = Field(0, ge=0, description="image-folder, text: seed of the split.")

    @property
    def modality(self) -> str:
        """image | text, from the dataset (one switch, so they can never disagree)."""
        return "text" if self.dataset in TEXT_DATASETS else "image"

    @model_validator(mode="after")
    def _image_shape_is_makeable(self) -> DataConfig:
        if self.image_size not in IMAGE_SIZES:
            raise ValueError(
                f"data.image_size {self.image_size} cannot be generated; allowed: {IMAGE_SIZES}"
            )
        if self.channels not in (1, 3):
            raise ValueError(f"data.channels must be 1 or 3 (got {self.channels})")
        return self


# Losses whose discriminator term is binary cross-entropy, the only ones with a target to
# smooth (WGAN, hinge and least squares have none); named as strings so that the check needs
# no TensorFlow and holds for losses added later to ``Loss``.
CROSS_ENTROPY_LOSSES = frozenset({"non_saturating", "minimax"})


class FeatureMatching(StrEnum):
    none = "none"
    added = "added"  # generator loss + weight * feature matching
    alone = "alone"  # weight * feature matching replaces the generator's adversarial loss


class MinibatchFeatures(StrEnum):
    none = "none"
    stddev = "stddev"
    discrimination = "discrimination"


class ImprovedConfig(Strict):
    """Salimans et al. 2016, "Improved Techniques for Training GANs"; all off by default
    (docs/improved-techniques.md has the measurements)."""

    label_smoothing: float = Field(
        0.0,
        ge=0,
        le=0.5,
        description="One-sided label smoothing: the discriminator's real target is 1 - this "
        "(fake stays 0); cross-entropy losses only. 0 = off.",
    )
    feature_matching: FeatureMatching = Field(
        FeatureMatching.none,
        description="Generator matches the mean of the discriminator's feature layer on real "
        "and generated batches: added to its loss, or alone instead of it.",
    )
    feature_matching_weight: float = Field(
        1.0, gt=0, le=1000, description="Weight of the feature-matching term."
    )
    minibatch: MinibatchFeatures = Field(
        MinibatchFeatures.none,
        description="Discriminator sees the batch: stddev = a minibatch std feature map, "
        "discrimination = the paper's minibatch discrimination layer.",
    )
    historical_averaging: float = Field(
        0.0,
        ge=0,
        le=1000,
        description="Weight of sum ||theta - mean of past theta||^2 in each player's loss. "
        "0 = off.",
    )


class TooLong(StrEnum):
    truncate = "truncate"
    skip = "skip"


class TextConfig(Strict):
    """Text datasets (data.dataset fortunes | text-file) and the char-level text GAN."""

    separator: str = Field(
        "auto",
        min_length=1,
        description="auto (fortunes `%` entries in a folder, lines in a file), newline, "
        "or a string between samples (a line holding only it, else anywhere).",
    )
    max_length: int = Field(32, ge=2, le=1024, description="Characters per sample (padded).")
    vocab_size: int = Field(
        96, ge=3, le=4096, description="Characters kept (most frequent in train) + pad + unknown."
    )
    too_long: TooLong = Field(
        TooLong.truncate,
        description="Longer samples: truncate (counted), or skip (counted; stop past "
        "data.max_bad_fraction).",
    )
    exclude: list[str] = Field(
        ["ethnic", "men-women", "politics"], description="Files of a text folder left out."
    )
    model_dim: int = Field(512, ge=8, le=4096, description="Channels of the 1-D conv GAN.")
    residual_blocks: int = Field(5, ge=1, le=32, description="Residual blocks in G and D.")


class TrainConfig(Strict):
    seed: int = Field(42, ge=0, description="Seed for weights, noise and data order.")
    epochs: int = Field(5, ge=1, le=10_000, description="Passes over the training set.")
    max_steps: int = Field(
        0, ge=0, description="Stop after this many training steps (batches; 0 = all epochs)."
    )
    max_seconds: float = Field(
        0,
        ge=0,
        description="Stop after this many seconds of training, counted across resumes "
        "(wall clock, tracing and checkpoints included; 0 = no limit).",
    )
    batch_size: int = Field(256, ge=1, le=65_536, description="Images per step.")
    latent_dim: int = Field(100, ge=1, le=4096, description="Size of the noise vector z.")
    loss: Loss = Field(Loss.non_saturating, description="Adversarial loss.")
    g_learning_rate: float = Field(2e-4, gt=0, le=1, description="Generator Adam step size.")
    d_learning_rate: float = Field(2e-4, gt=0, le=1, description="Discriminator Adam step size.")
    beta_1: float = Field(0.5, ge=0, lt=1, description="Adam beta_1.")
    beta_2: float = Field(0.999, ge=0, lt=1, description="Adam beta_2.")
    precision: Precision = Field(
        Precision.auto, description="auto: bfloat16 on CPUs with BF16 units, float16 on GPU."
    )
    log_every_steps: int = Field(10, ge=1, description="Send losses to MLflow every N steps.")
    grid_size: int = Field(8, ge=1, le=32, description="Sample grids are grid_size x grid_size.")
    optimizer: Optimizer = Field(
        Optimizer.adam, description="adam (betas above) | sgd (θ ← θ - α∇L) | rmsprop."
    )
    d_steps: int = Field(
        1, ge=1, le=100, description="Discriminator steps (batches) per generator step."
    )
    gp_weight: float = Field(10.0, ge=0, description="wgan_gp: gradient penalty weight λ.")
    clip_value: float = Field(0.01, gt=0, description="wgan: critic weights clipped to ±this.")
    r1_gamma: float = Field(0.0, ge=0, description="R1 penalty γ on real data (0 = off).")
    ema_decay: float = Field(
        0.999, ge=0, lt=1, description="EMA of generator weights for sampling (0 = off)."
    )
    checkpoint_every_steps: int = Field(
        0, ge=0, description="Also checkpoint every N steps mid-epoch (0 = once per epoch)."
    )
    architecture: Architecture = Field(Architecture.dcgan, description="Generator/discriminator.")
    conditional: bool = Field(
        False, description="Class-conditional G (labels in) and projection D; needs labels."
    )
    diffaugment: str = Field(
        "", description="DiffAugment policies, comma-separated: translation,cutout,color."
    )
    strategy: Strategy = Field(
        Strategy.auto, description="tf.distribute: auto | default | mirrored | multi_worker."
    )
    quick_eval_samples: int = Field(
        500, ge=0, description="Images per quick quality estimate (0 = keep the last weights)."
    )
    quick_eval_every_steps: int = Field(
        0, ge=0, description="Estimate quality every N steps (0 = at each epoch end)."
    )
    improved: ImprovedConfig = Field(
        default_factory=ImprovedConfig, description="Improved techniques (Salimans et al. 2016)."
    )

    @model_validator(mode="after")
    def _diffaugment_policies_exist(self) -> TrainConfig:
        allowed = ("color", "translation", "cutout")  # ganops.training.diffaugment.POLICIES
        for policy in (p.strip() for p in self.diffaugment.split(",") if p.strip()):
            if policy not in allowed:
                raise ValueError(
                    f"train.diffaugment: unknown policy {policy!r}; allowed: {', '.join(allowed)}"
                )
        return self

    @model_validator(mode="after")
    def _smoothing_needs_cross_entropy(self) -> TrainConfig:
        if self.improved.label_smoothing and self.loss not in CROSS_ENTROPY_LOSSES:
            raise ValueError(
                f"train.improved.label_smoothing needs a cross-entropy train.loss "
                f"({' or '.join(sorted(CROSS_ENTROPY_LOSSES))}), not {self.loss!r}"
            )
        return self


class EvaluateConfig(Strict):
    n_samples: int = Field(
        10_000, ge=2, description="Generated images compared with the real test images."
    )
    batch_size: int = Field(500, ge=1, description="Images generated per batch.")
    seed: int = Field(1234, ge=0, description="Seed of the evaluation noise.")
    nearest_k: int = Field(3, ge=1, description="k of the k-NN manifolds (precision/recall).")
    kid_subsets: int = Field(100, ge=1, description="KID: random subsets averaged.")
    kid_subset_size: int = Field(1000, ge=2, description="KID: images per subset.")
    inception: bool = Field(
        False,
        description="Also compute standard FID/KID on InceptionV3 features (needs the "
        "`inception` extra; ~10 images/s on 2 CPU cores).",
    )
    inception_samples: int = Field(
        10_000, ge=2, description="Generated (and at most as many real) images for Inception."
    )
    inception_batch_size: int = Field(50, ge=1, description="Images per Inception batch.")


class ClassifierConfig(Strict):
    seed: int = Field(7, ge=0, description="Seed of the domain classifier's weights and order.")
    epochs: int = Field(4, ge=1, le=1000, description="Passes over the labelled training set.")
    batch_size: int = Field(128, ge=1, description="Images per step.")
    learning_rate: float = Field(2e-3, gt=0, le=1, description="Initial Adam step size (cosine).")
    feature_dim: int = Field(
        128, ge=2, le=4096, description="Width of the penultimate layer: the feature space."
    )


class RegisterConfig(Strict):
    model_name: str = Field(
        "ganops-fashion-mnist",
        min_length=1,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Registered model name in MLflow.",
    )
    metric: GateMetric = Field(
        GateMetric.fid_domain, description="Metric (from metrics.json) for the quality gate."
    )
    lower_is_better: bool = Field(True, description="Direction of the gate metric.")
    margin: float = Field(
        0.0, ge=0, description="Champion moves only if better by at least this much."
    )


class TrackingConfig(Strict):
    uri: str = Field(
        "sqlite:///mlflow.db",
        description="MLflow tracking URI; relative sqlite paths are under the project root. "
        "MLFLOW_TRACKING_URI in the environment wins.",
    )
    experiment: str = Field("ganops", min_length=1, description="MLflow experiment name.")


# pydantic warns that the field "register" shadows ABCMeta.register; the section is named after
# its stage on purpose, and the class method is never used on config objects.
warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)


class Config(Strict):
    data: DataConfig = DataConfig()
    train: TrainConfig = TrainConfig()
    evaluate: EvaluateConfig = EvaluateConfig()
    classifier: ClassifierConfig = ClassifierConfig()
    register: RegisterConfig = RegisterConfig()
    tracking: TrackingConfig = TrackingConfig()
    text: TextConfig = TextConfig()

    @model_validator(mode="after")
    def _batch_fits_data(self) -> Config:
        if self.data.limit_train and self.train.batch_size > self.data.limit_train:
            raise ValueError(
                f"train.batch_size ({self.train.batch_size}) is larger than "
                f"data.limit_train ({self.data.limit_train}); lower the batch or use more data"
            )
        if self.register.metric.endswith("_inception") and not self.evaluate.inception:
            raise ValueError(
                f"register.metric {self.register.metric!r} needs evaluate.inception: true"
            )
        if self.register.lower_is_better == (self.register.metric in HIGHER_IS_BETTER):
            wanted = "false" if self.register.lower_is_better else "true"
            raise ValueError(
                f"register.lower_is_better must be {wanted} "
                f"for register.metric {self.register.metric!r}"
            )
        return self

    @model_validator(mode="after")
    def _gate_fits_modality(self) -> Config:
        is_text, metric = self.data.modality == "text", str(self.register.metric)
        if is_text != (metric in TEXT_GATE_METRICS):
            allowed = sorted(
                TEXT_GATE_METRICS if is_text else {m.value for m in GateMetric} - TEXT_GATE_METRICS
            )
            raise ValueError(
                f"register.metric {metric!r} does not measure "
                f"{self.data.modality} samples (data.dataset {str(self.data.dataset)!r}); "
                f"allowed: {', '.join(allowed)}"
            )
        if is_text and (self.train.conditional or self.train.diffaugment):
            raise ValueError(
                "train.conditional and train.diffaugment are for images; text data has no "
                "labels and DiffAugment's shifts and colours mean nothing for one-hot text"
            )
        return self

    def flat(self) -> dict[str, Any]:
        """Dotted keys -> values, for logging as MLflow params."""
        return flatten(self.model_dump(mode="json"))

    def fingerprint(self, *sections: str) -> str:
        """Stable hash of the given sections (all if none), e.g. to match a checkpoint."""
        data = self.model_dump(mode="json")
        chosen = {k: data[k] for k in (sections or data.keys())}
        return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()[:16]


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def parse_override(text: str) -> tuple[str, Any]:
    """``train.epochs=3`` -> ("train.epochs", 3); the value is read as YAML."""
    if "=" not in text:
        raise ConfigError(f"override {text!r} is not KEY=VALUE", hint="e.g. --set train.epochs=3")
    key, raw = text.split("=", 1)
    return key.strip(), yaml.safe_load(raw) if raw.strip() else raw


def apply_overrides(tree: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Set dotted keys in a nested dict (copied); unknown sections are caught by validation."""
    result = json.loads(json.dumps(tree))
    for dotted, value in overrides.items():
        node = result
        *parents, leaf = dotted.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"{dotted}: {part!r} is a value, not a section")
            node = child
        node[leaf] = value
    return result


def describe_errors(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        given = item.get("input")
        if item["type"] == "extra_forbidden":
            lines.append(f"{key}: unknown key (typo?); allowed keys are listed in params.yaml")
        else:
            message = item["msg"].removeprefix("Value error, ")
            shown = "" if isinstance(given, dict) else f" (got {given!r})"
            lines.append(f"{key}: {message}{shown}")
    return "\n".join(lines)


def validate(tree: dict[str, Any]) -> Config:
    try:
        return Config.model_validate(tree)
    except ValidationError as error:
        raise ConfigError(
            "invalid parameters:\n" + describe_errors(error),
            hint="fix params.yaml or the override; `ganops params` prints every key",
        ) from None


def load_config(
    path: Path | str = "params.yaml", overrides: dict[str, Any] | None = None
) -> Config:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"parameters file {path} not found", hint="run from the project root")
    try:
        tree = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(tree, dict):
        raise ConfigError(f"{path} must hold a mapping of sections")
    return validate(apply_overrides(tree, overrides or {}))
