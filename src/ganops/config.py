"""The one validated configuration object: load ``params.yaml``, apply overrides, validate.

Every setting lives in ``params.yaml`` grouped by stage. Unknown keys (typos) are rejected, and
each error names the dotted key, what was given and what is allowed, before any work starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ganops.data.batch_size import HINT, batch_size_problem
from ganops.errors import ConfigError
from ganops.modalities import Modality, all_modalities, gate_directions, modality_of
from ganops.models.builders import ARCHITECTURES
from ganops.models.shapes import IMAGE_SIZES
from ganops.training.losses import LOSSES
from ganops.training.penalties import PENALTIES


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=True)


def _choices(name: str, values: list[str], doc: str) -> type[StrEnum]:
    """A string enum (a dropdown in the Prefect form) whose members come from a registry."""
    choices = StrEnum(name, {value.replace("-", "_"): value for value in values})
    choices.__doc__ = doc
    return choices


Dataset = _choices(
    "Dataset",
    [dataset for modality in all_modalities() for dataset in modality.datasets],
    "data.dataset: each belongs to one modality (ganops.modalities).",
)
Loss = _choices("Loss", list(LOSSES), "train.loss: the names of ganops.training.losses.LOSSES.")
Penalty = _choices(
    "Penalty", list(PENALTIES), "train.penalty: the names of ganops.training.penalties."
)
Architecture = _choices(
    "Architecture",
    list(ARCHITECTURES),
    "train.architecture: the names of ganops.models.builders.ARCHITECTURES.",
)
GateMetric = _choices(
    "GateMetric",
    list(gate_directions()),
    "register.metric: numbers in metrics.json that the quality gate may compare "
    "(each modality lists its own).",
)
# Loss names of earlier releases that folded a penalty into the loss.
LEGACY_LOSSES = {"wgan_gp": ("wgan", "gp")}


class LrDecay(StrEnum):
    none = "none"
    linear = "linear"  # to 0 at the end of the budget (the binding limit's progress)


class Optimizer(StrEnum):
    adam = "adam"
    sgd = "sgd"
    rmsprop = "rmsprop"


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


class Promote(StrEnum):
    auto = "auto"  # through the gate, except in `dvc exp run` (candidates only)
    gate = "gate"  # through the gate, experiments included
    never = "never"  # candidates only; `ganops promote` applies the gate later


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

    @model_validator(mode="after")
    def _image_shape_is_makeable(self) -> DataConfig:
        if self.image_size not in IMAGE_SIZES:
            raise ValueError(
                f"data.image_size {self.image_size} cannot be generated; allowed: {IMAGE_SIZES}"
            )
        if self.channels not in (1, 3):
            raise ValueError(f"data.channels must be 1 or 3 (got {self.channels})")
        return self


class FeatureMatching(StrEnum):
    none = "none"
    added = "added"  # generator loss + weight * feature matching
    alone = "alone"  # weight * feature matching replaces the generator's adversarial loss


class MinibatchFeatures(StrEnum):
    """train.improved.minibatch: what the discriminator sees of the whole batch
    (``ganops.models.minibatch``)."""

    none = "none"
    stddev = "stddev"
    discrimination = "discrimination"


class DiffAugmentPolicy(StrEnum):
    """train.diffaugment: policies of ``ganops.training.diffaugment``."""

    color = "color"
    translation = "translation"
    cutout = "cutout"


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


class TextModel(StrEnum):
    language_gan = (
        "language_gan"  # maximum likelihood, then REINFORCE (ganops.training.language_gan)
    )
    wgan_gp = "wgan_gp"  # Gulrajani et al. 2017's char-level WGAN-GP (GPU-days)


class TextConfig(Strict):
    """Text datasets (data.dataset fortunes | text-file) and the text models."""

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
    model: TextModel = Field(
        TextModel.language_gan,
        description="language_gan: a GRU generator pretrained by maximum likelihood, then "
        "trained adversarially (REINFORCE); wgan_gp: the char-level WGAN-GP (needs a GPU).",
    )
    hidden: int = Field(256, ge=8, le=4096, description="language_gan: GRU units.")
    embedding: int = Field(64, ge=2, le=1024, description="language_gan: character embedding.")
    pretrain_share: float = Field(
        0.8,
        ge=0,
        le=1,
        description="language_gan: share of the training budget spent on maximum likelihood "
        "before adversarial training (1 = the maximum-likelihood model alone).",
    )
    mle_learning_rate: float = Field(
        2e-3, gt=0, le=1, description="language_gan: Adam step size of maximum likelihood."
    )
    critic_warmup_steps: int = Field(
        300, ge=0, description="language_gan: critic-only steps before adversarial training."
    )
    critic_filters: int = Field(
        96, ge=1, le=4096, description="language_gan: filters per n-gram width of the critic."
    )
    discount: float = Field(
        0.23, ge=0, le=1, description="language_gan: discount of per-character rewards."
    )
    mle_weight: float = Field(
        1.0,
        ge=0,
        le=100,
        description="language_gan: weight of maximum likelihood in the adversarial loss.",
    )
    temperatures: list[float] = Field(
        [0.7, 0.8, 0.9, 1.0, 1.1, 1.25],
        min_length=1,
        description="language_gan: sampling temperatures evaluated (the quality-diversity "
        "curve); the gate picks the registered model's from them.",
    )
    model_dim: int = Field(512, ge=8, le=4096, description="wgan_gp: channels of the conv GAN.")
    residual_blocks: int = Field(5, ge=1, le=32, description="wgan_gp: residual blocks.")

    @model_validator(mode="after")
    def _temperatures_are_positive(self) -> TextConfig:
        if any(t <= 0 for t in self.temperatures):
            raise ValueError(f"text.temperatures must all be > 0 (got {self.temperatures})")
        return self


class TrainConfig(Strict):
    """How a GAN is trained. Its length is a budget that means the same on any dataset: wall
    clock (``max_seconds``) and/or images shown to the discriminator (``kimg``); ``epochs``
    and ``max_steps`` are other ways to say it. Training stops at the first one reached."""

    # Keys that say how long to train and how often to look: changing them resumes a run's
    # checkpoints instead of starting over (the fingerprint leaves them out).
    LENGTH_KEYS: ClassVar[tuple[str, ...]] = (
        "epochs",
        "kimg",
        "max_steps",
        "max_seconds",
        "snapshot_kimg",
        "log_every_steps",
        "checkpoint_every_steps",
    )
    # Where training runs (one device, several, several hosts) does not change what it
    # computes, within float rounding: a checkpoint resumes under another strategy.
    PLACEMENT_KEYS: ClassVar[tuple[str, ...]] = ("strategy",)

    seed: int = Field(42, ge=0, description="Seed for weights, noise and data order.")
    max_seconds: float = Field(
        600,
        ge=0,
        description="Train for this many seconds, counted across resumes (wall clock, "
        "tracing and checkpoints included; 0 = no time limit).",
    )
    kimg: float = Field(
        0,
        ge=0,
        description="Stop after this many thousand images shown to the discriminator, "
        "the same length on any dataset (0 = no limit).",
    )
    epochs: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description="Stop after this many passes over the data (0 = no limit).",
    )
    max_steps: int = Field(
        0, ge=0, description="Stop after this many discriminator steps (batches; 0 = no limit)."
    )
    snapshot_kimg: float = Field(
        50,
        gt=0,
        description="Every this many thousand images (at the end of a pass, and at the end of "
        "training): a sample grid, a quick quality estimate and a checkpoint.",
    )
    best_min_kimg: float = Field(
        100,
        ge=0,
        description="Quick estimates before this many thousand images are logged but never "
        "kept as the best generator: an early one cannot yet tell good from blank.",
    )
    batch_size: int = Field(64, ge=1, le=65_536, description="Images per step.")
    latent_dim: int = Field(100, ge=1, le=4096, description="Size of the noise vector z.")
    loss: Loss = Field(
        Loss.non_saturating,
        description="Adversarial loss (ganops.training.losses; docs/training.md).",
    )
    penalty: Penalty = Field(
        Penalty.none,
        description="Constraint on the discriminator: gp (WGAN-GP, train.gp_weight), r1 "
        "(train.r1_gamma), clip (WGAN weight clipping, train.clip_value) or none.",
    )
    g_learning_rate: float = Field(2e-4, gt=0, le=1, description="Generator Adam step size.")
    d_learning_rate: float = Field(2e-4, gt=0, le=1, description="Discriminator Adam step size.")
    lr_decay: LrDecay = Field(
        LrDecay.none,
        description="linear: both learning rates fall to 0 at the end of the budget (the "
        "limit that binds: time, kimg, epochs or steps); none: constant.",
    )
    beta_1: float = Field(0.5, ge=0, lt=1, description="Adam beta_1.")
    beta_2: float = Field(0.999, ge=0, lt=1, description="Adam beta_2.")
    precision: Precision = Field(
        Precision.auto,
        description="auto: the fastest compute type measured on this machine (a ~1 s probe, "
        "cached; float16 only on GPUs).",
    )
    log_every_steps: int = Field(10, ge=1, description="Send losses to MLflow every N steps.")
    grid_size: int = Field(8, ge=1, le=32, description="Sample grids are grid_size x grid_size.")
    optimizer: Optimizer = Field(
        Optimizer.adam, description="adam (betas above) | sgd (θ ← θ - α∇L) | rmsprop."
    )
    d_steps: int = Field(
        1, ge=1, le=100, description="Discriminator steps (batches) per generator step."
    )
    gp_weight: float = Field(10.0, ge=0, description="penalty gp: gradient penalty weight λ.")
    clip_value: float = Field(
        0.01, gt=0, description="penalty clip: critic weights clipped to ±this."
    )
    r1_gamma: float = Field(1.0, ge=0, description="penalty r1: weight γ of R1 on real data.")
    ema_decay: float = Field(
        0.999, ge=0, lt=1, description="EMA of generator weights for sampling (0 = off)."
    )
    checkpoint_every_steps: int = Field(
        0, ge=0, description="Also checkpoint every N steps between snapshots (0 = off)."
    )
    architecture: Architecture = Field(Architecture.dcgan, description="Generator/discriminator.")
    g_channels: int = Field(
        64,
        ge=4,
        le=4096,
        description="Generator width: channels of its first feature map, halved at each "
        "upsampling (dcgan; resnet's first block has half).",
    )
    d_channels: int = Field(
        32,
        ge=2,
        le=4096,
        description="Discriminator width: channels of its first convolution, doubled at each.",
    )
    kernel_size: int = Field(
        4, ge=1, le=9, description="dcgan: kernel of the (transposed) convolutions."
    )
    d_dropout: float = Field(
        0.3, ge=0, lt=1, description="dcgan: dropout after each discriminator convolution."
    )
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
        0, ge=0, description="Estimate quality every N steps (0 = at each snapshot)."
    )
    improved: ImprovedConfig = Field(
        default_factory=ImprovedConfig, description="Improved techniques (Salimans et al. 2016)."
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_penalties(cls, values: Any) -> Any:
        """Parameter files written before ``train.penalty`` existed keep their meaning: the
        loss ``wgan_gp`` is ``wgan`` with penalty ``gp``; without a ``penalty`` key, ``wgan``
        clipped weights and a positive ``r1_gamma`` turned R1 on."""
        if not isinstance(values, dict):
            return values
        values = dict(values)
        loss = values.get("loss")
        if loss in LEGACY_LOSSES:
            new_loss, penalty = LEGACY_LOSSES[loss]
            if values.get("penalty", "none") not in ("none", penalty):
                raise ValueError(
                    f"train.loss {loss!r} means train.loss: {new_loss} with train.penalty: "
                    f"{penalty}, which clashes with train.penalty: {values['penalty']}; "
                    f"write train.loss: {new_loss} and the penalty you want"
                )
            values["loss"], values["penalty"] = new_loss, penalty
        elif "penalty" not in values:
            if loss == "wgan":
                values["penalty"] = "clip"
            elif isinstance(values.get("r1_gamma"), int | float) and values["r1_gamma"] > 0:
                values["penalty"] = "r1"
        return values

    @property
    def objective(self) -> str:
        """The loss and its penalty in one name for run labels, e.g. ``wgan-gp``."""
        return self.loss if self.penalty == "none" else f"{self.loss}-{self.penalty}"

    @model_validator(mode="after")
    def _training_has_an_end(self) -> TrainConfig:
        if not any(getattr(self, key) for key in ("max_seconds", "kimg", "epochs", "max_steps")):
            raise ValueError(
                "training needs an end: set train.max_seconds, train.kimg, train.epochs or "
                "train.max_steps above 0"
            )
        return self

    @model_validator(mode="after")
    def _diffaugment_policies_exist(self) -> TrainConfig:
        allowed = [policy.value for policy in DiffAugmentPolicy]
        for policy in self.diffaugment_policies:
            if policy not in allowed:
                raise ValueError(
                    f"train.diffaugment: unknown policy {policy!r}; allowed: {', '.join(allowed)}"
                )
        return self

    @model_validator(mode="after")
    def _smoothing_needs_cross_entropy(self) -> TrainConfig:
        if self.improved.label_smoothing and not LOSSES[self.loss].cross_entropy:
            allowed = [name for name, loss in LOSSES.items() if loss.cross_entropy]
            raise ValueError(
                f"train.improved.label_smoothing needs a cross-entropy train.loss "
                f"({' or '.join(allowed)}), not {self.loss!r}"
            )
        return self

    @property
    def diffaugment_policies(self) -> tuple[str, ...]:
        """``train.diffaugment`` as a tuple of policy names (empty when off)."""
        return tuple(p.strip() for p in self.diffaugment.split(",") if p.strip())


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
        "`inception` extra; 10,000 images in ~6-8 minutes on 2 CPU cores).",
    )
    inception_samples: int = Field(
        10_000, ge=2, description="Generated (and at most as many real) images for Inception."
    )
    inception_batch_size: int = Field(50, ge=1, description="Images per Inception batch.")


class ClassifierConfig(Strict):
    seed: int = Field(7, ge=0, description="Seed of the domain classifier's weights and order.")
    epochs: int = Field(4, ge=1, le=1000, description="Passes over the labelled training set.")
    min_steps: int = Field(
        500,
        ge=0,
        description="At least this many steps, whatever the data size (a small folder gets "
        "more passes).",
    )
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
    promote: Promote = Field(
        Promote.auto,
        description="When alias champion may move to a version that passes the gate: auto "
        "(except inside `dvc exp run`, which registers candidates only), gate (always), never; "
        "`ganops promote MODEL VERSION` applies the gate later.",
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
    data: DataConfig = Field(DataConfig(), description="which dataset and how it is split.")
    train: TrainConfig = Field(
        TrainConfig(), description="training: model, loss, length, learning rates, precision."
    )
    evaluate: EvaluateConfig = Field(EvaluateConfig(), description="how the samples are measured.")
    classifier: ClassifierConfig = Field(
        ClassifierConfig(), description="the domain classifier behind the fast image metrics."
    )
    register: RegisterConfig = Field(
        RegisterConfig(), description="registered model name and quality gate."
    )
    tracking: TrackingConfig = Field(TrackingConfig(), description="where MLflow runs go.")
    text: TextConfig = Field(
        TextConfig(), description="text data: vocabulary, sample length, network size."
    )

    @property
    def modality(self) -> Modality:
        """The modality of ``data.dataset`` (``ganops.modalities``)."""
        return modality_of(self.data.dataset)

    @model_validator(mode="after")
    def _batch_fits_data(self) -> Config:
        problem = self.data.limit_train and batch_size_problem(
            self.train.batch_size,
            self.data.limit_train,
            f"data.limit_train ({self.data.limit_train})",
        )
        if problem:
            raise ValueError(f"{problem}; {HINT}")
        return self

    @model_validator(mode="after")
    def _gate_fits_modality(self) -> Config:
        modality, metric = self.modality, str(self.register.metric)
        if metric not in modality.gate_metrics:
            raise ValueError(
                f"register.metric {metric!r} does not measure {modality.name} samples "
                f"(data.dataset {str(self.data.dataset)!r}); "
                f"allowed: {', '.join(sorted(modality.gate_metrics))}"
            )
        if self.register.lower_is_better == modality.gate_metrics[metric]:
            wanted = "false" if self.register.lower_is_better else "true"
            raise ValueError(
                f"register.lower_is_better must be {wanted} for register.metric {metric!r}"
            )
        modality.check_config(self)
        return self

    def tracking_uri(self, project_root: Path) -> str:
        """The MLflow store: ``MLFLOW_TRACKING_URI`` wins over ``tracking.uri``; a relative
        sqlite path is made absolute under the project root."""
        uri = os.environ.get("MLFLOW_TRACKING_URI") or self.tracking.uri
        prefix = "sqlite:///"
        if uri.startswith(prefix) and not uri.startswith(prefix + "/"):
            uri = prefix + str((project_root / uri[len(prefix) :]).resolve())
        return uri

    def flat(self) -> dict[str, Any]:
        """Dotted keys -> values, for logging as MLflow params."""
        return flatten(self.model_dump(mode="json"))

    def fingerprint(self, *sections: str) -> str:
        """Stable hash of the given sections (all if none), e.g. to match a checkpoint; the
        training length and placement keys are left out, so training longer, or on another
        number of devices or hosts, resumes."""
        data = self.model_dump(mode="json")
        chosen = {k: data[k] for k in (sections or data.keys())}
        if "train" in chosen:
            left_out = TrainConfig.LENGTH_KEYS + TrainConfig.PLACEMENT_KEYS
            chosen["train"] = {k: v for k, v in chosen["train"].items() if k not in left_out}
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
            lines.append(f"{key}: unknown key (typo?); `ganops params` lists the allowed keys")
        else:
            message = item["msg"].removeprefix("Value error, ")
            shown = "" if isinstance(given, dict) else f" (got {given!r})"
            lines.append(f"{key}: {message}{shown}")
    return "\n".join(lines)


def validate(tree: dict[str, Any], source: str = "params.yaml") -> Config:
    """``tree`` as a ``Config``; errors name each key, and ``source`` the file it came from."""
    try:
        return Config.model_validate(tree)
    except ValidationError as error:
        raise ConfigError(
            "invalid parameters:\n" + describe_errors(error),
            hint=f"fix {source} or the override; `ganops params --params {source}` prints "
            "every key",
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
    return validate(apply_overrides(tree, overrides or {}), _shown(path))


def _shown(path: Path) -> str:
    """``path`` as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
