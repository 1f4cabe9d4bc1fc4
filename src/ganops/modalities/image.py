"""Images: Fashion-MNIST or a folder of the user's own pictures, a convolutional GAN, FID.

Samples are float images; the served model returns them in [0, 1], shape (n, H, W, C), and a
class-conditional generator also reads an optional ``label`` column (default: seed mod the
number of classes, the evaluation's balanced labels). The registered model also carries a
LiteRT copy of the generator, which samples without TensorFlow (docs/sampling.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ganops.modalities.base import Evaluation, LightCopy, Modality, Sampler, ServedModel

if TYPE_CHECKING:
    import numpy as np

    from ganops.config import Config
    from ganops.evaluation.classifier import DomainClassifier
    from ganops.paths import RunPaths
    from ganops.train_stage import TrainingJob

logger = logging.getLogger(__name__)

LABEL_COLUMN = "label"
# The registered model's artifact holding the generator's LiteRT copy.
LIGHT_ARTIFACT = "generator_litert"
# Samples whose pixel spread is under this share of the real images' are a collapse (the
# mid-grey squares of an untrained or collapsed generator spread ~0.01; Fashion-MNIST ~0.3).
SPREAD_SHARE = 0.25
INTERPOLATION, CLASS_GRID = "interpolation.png", "per_class.png"


class ImageModality(Modality):
    name = "image"
    datasets = ("fashion-mnist", "image-folder")
    gate_metrics: ClassVar[Mapping[str, bool]] = {
        "fid_domain": False,
        "kid_domain": False,
        "precision_domain": True,
        "recall_domain": True,
        "class_entropy": True,
        "classes_seen": True,
        "classifier_score": True,
        "fid_pixels": False,
        "fid_inception": False,
        "kid_inception": False,
    }
    form_sections = ("data", "train", "evaluate", "classifier", "register")
    train_sections = ("data", "train")
    params_file = "params.yaml"
    samples_file = "samples.png"
    sample_unit = "images"

    def check_config(self, config: Config) -> None:
        if str(config.register.metric).endswith("_inception") and not config.evaluate.inception:
            raise ValueError(
                f"register.metric {config.register.metric!r} needs evaluate.inception: true"
            )

    def run_label(self, config: Config) -> str:
        return f"{config.data.dataset}-{config.train.architecture}-{config.train.objective}"

    def prepare(self, config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
        from ganops.data.prepare import prepare_images

        return prepare_images(config.data, project_root, paths.prepared)

    def classifier(self, config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
        from ganops.evaluation.classifier import ensure_classifier
        from ganops.evaluation.feature_cache import cache_dir

        return ensure_classifier(
            config.classifier,
            paths.prepared,
            paths.classifier,
            cache_dir(project_root, "classifier"),
        )

    def training_job(self, config: Config, paths: RunPaths) -> TrainingJob:
        from ganops.data.pipeline import ImageBatches
        from ganops.data.prepare import load_split
        from ganops.data.summary import read_summary
        from ganops.evaluation.pictures import save_grid
        from ganops.train_stage import TrainingJob
        from ganops.training.trainer import image_trainer

        summary = read_summary(paths.prepared, self.name)
        image_shape = tuple(summary["image_shape"])
        train = load_split(paths.prepared / "train.npz")
        n_classes = int(summary.get("n_classes", 0)) if config.train.conditional else 0
        source = ImageBatches(
            train.images,
            config.train.batch_size,
            config.train.seed,
            labels=train.labels if n_classes else None,
        )
        # The quick metric first: loading the classifier must not change the GAN's seeds.
        quality = _quick_quality(config, paths, train.images, n_classes)
        return TrainingJob(
            trainer=image_trainer(config.train, image_shape, n_classes),
            source=source,
            quality=quality,
            write_samples=lambda epoch, grid: save_grid(
                grid, paths.samples / f"epoch_{epoch:03d}.png", columns=config.train.grid_size
            ),
            summary={"image_shape": list(image_shape)},
        )

    def evaluate(self, config: Config, paths: RunPaths, project_root: Path) -> Evaluation:
        from ganops.data.prepare import load_split
        from ganops.data.summary import read_summary
        from ganops.evaluation.conditioning import is_conditional
        from ganops.evaluation.feature_cache import cache_dir
        from ganops.evaluation.image_metrics import evaluate_generator
        from ganops.evaluation.pictures import class_grid_images, interpolation_images, save_grid
        from ganops.sampling import load_keras_generator

        n_classes = int(read_summary(paths.prepared, self.name).get("n_classes", 0))
        generator = load_keras_generator(paths.generator)
        metrics, fakes = evaluate_generator(
            generator,
            load_split(paths.prepared / "train.npz").images,
            load_split(paths.prepared / "test.npz").images,
            config.evaluate,
            _load_domain_classifier(paths),
            cache_dir(project_root, "evaluation"),
            n_classes,
        )
        paths.evaluation.mkdir(parents=True, exist_ok=True)
        pictures = [save_grid(fakes[:64], paths.evaluation / self.samples_file, columns=8)]
        steps = 10
        strip = interpolation_images(generator, 4, steps, config.evaluate.seed, n_classes)
        pictures.append(save_grid(strip, paths.evaluation / INTERPOLATION, columns=steps))
        if is_conditional(generator) and n_classes:
            grid = class_grid_images(generator, n_classes, 8, config.evaluate.seed)
            pictures.append(save_grid(grid, paths.evaluation / CLASS_GRID, columns=8))
        pictures.append(paths.classifier / "summary.json")
        tags = {"ganops.feature_space_domain": metrics["feature_space_domain"]}
        return Evaluation(metrics, pictures, tags)

    def sanity_problems(self, metrics: Mapping[str, Any]) -> list[str]:
        problems = []
        spread, real = metrics.get("sample_spread"), metrics.get("sample_spread_floor")
        if spread is not None and real and spread < SPREAD_SHARE * real:
            problems.append(
                f"the samples are nearly all alike (pixel spread {spread:.3f} vs the real "
                f"images' {real:.3f})"
            )
        seen, real_seen = metrics.get("classes_seen"), metrics.get("classes_seen_floor")
        if seen is not None and real_seen and seen <= 1 < real_seen:
            problems.append(f"the samples show 1 class of the data's {real_seen:.0f}")
        return problems

    def served_model(self, config: Config, paths: RunPaths) -> ServedModel:
        import numpy as np
        import pandas as pd
        from mlflow.models import ModelSignature
        from mlflow.types import ColSpec, Schema, TensorSpec

        from ganops.data.summary import read_summary
        from ganops.tracking.model_input import SEED_COLUMN

        image_shape = tuple(read_summary(paths.prepared, self.name)["image_shape"])
        columns = [ColSpec("long", SEED_COLUMN)]
        if config.train.conditional:
            columns.append(ColSpec("long", LABEL_COLUMN, required=False))
        signature = ModelSignature(
            inputs=Schema(columns),
            outputs=Schema([TensorSpec(np.dtype("float32"), (-1, *image_shape))]),
        )
        return ServedModel({}, signature, pd.DataFrame({SEED_COLUMN: [0, 1]}))

    def load_sampler(
        self, generator: Any, artifacts: Mapping[str, str], settings: Mapping[str, Any]
    ) -> Sampler:
        return ImageSampler.from_keras(generator)

    def light_copy(self, generator_path: Path, folder: Path) -> LightCopy:
        """A LiteRT copy of the generator (``ganops.models.litert``), checked against it;
        none, with the reason, when the converter or its check refuses the network."""
        from ganops.models import litert
        from ganops.sampling import load_keras_generator

        path = folder / "generator.tflite"
        try:
            layout = litert.write_litert_copy(load_keras_generator(generator_path), path)
        except litert.ConversionError as error:
            logger.warning("no LiteRT copy of the generator (sampling needs TensorFlow): %s", error)
            return LightCopy({}, {"light_runtime": None, "light_runtime_reason": str(error)})
        settings = {"light_runtime": litert.RUNTIME, **layout.as_settings()}
        return LightCopy({LIGHT_ARTIFACT: str(path)}, settings)

    def load_light_sampler(
        self, artifacts: Mapping[str, str], settings: Mapping[str, Any]
    ) -> Sampler | None:
        from ganops.models import litert

        if LIGHT_ARTIFACT not in artifacts or settings.get("light_runtime") != litert.RUNTIME:
            return None
        if not litert.runtime_available():
            logger.info("ai-edge-litert is not installed: sampling with Keras (TensorFlow)")
            return None
        layout = litert.Layout.from_settings(dict(settings))
        generator = litert.LiteRtGenerator(artifacts[LIGHT_ARTIFACT], layout)
        return ImageSampler(generator, layout.latent_dim, layout.n_classes, layout.label_index)

    def write_samples(self, samples: Any, output: Path) -> dict[str, Any] | None:
        from ganops.evaluation.pictures import save_grid

        path = save_grid(samples * 2.0 - 1.0, output)
        return {"images": len(samples), "output": str(path)}


class ImageSampler:
    """The served model's predict: a table of seeds (and labels) -> images in [0, 1].

    ``generate(z, labels)`` runs the network (Keras, or its LiteRT copy); the seeds, the
    default labels and the output range are decided here, once for both."""

    def __init__(
        self,
        generate: Callable[[np.ndarray, list[int] | None], np.ndarray],
        latent_dim: int,
        n_classes: int,
        label_index: int | None,
        runtime: str = "litert",
    ) -> None:
        self.generate = generate
        self.latent_dim = latent_dim
        self.n_classes = n_classes
        self.conditional = label_index is not None
        self.runtime = runtime

    @classmethod
    def from_keras(cls, generator: Any) -> ImageSampler:
        from ganops.evaluation.conditioning import (
            class_count,
            label_position,
            latent_dim,
            sample_latents,
        )

        def generate(z: np.ndarray, labels: list[int] | None) -> np.ndarray:
            return sample_latents(generator, z, labels)

        return cls(
            generate, latent_dim(generator), class_count(generator), label_position(generator),
            runtime="keras",
        )  # fmt: skip

    def __call__(self, model_input: Any, params: Mapping[str, Any] | None = None) -> Any:
        import numpy as np

        from ganops.noise import noise_from_seeds
        from ganops.tracking.model_input import column, seeds_from_input

        seeds = seeds_from_input(model_input)
        labels = None
        if self.conditional:
            given = column(model_input, LABEL_COLUMN)
            labels = (
                [int(label) for label in given]
                if given is not None
                else [seed % max(self.n_classes, 1) for seed in seeds]
            )
        z = noise_from_seeds(seeds, self.latent_dim)
        images = np.asarray(self.generate(z, labels), dtype=np.float32)
        return ((images + 1.0) / 2.0).clip(0.0, 1.0)


def _load_domain_classifier(paths: RunPaths) -> DomainClassifier | None:
    """The classifier stage's output (None when it was skipped for unlabelled data)."""
    from ganops.evaluation.classifier import load_classifier

    return load_classifier(paths.classifier)


def _quick_quality(config: Config, paths: RunPaths, train_images: Any, n_classes: int) -> Any:
    """The quick FID that keeps the best generator, in the domain classifier's feature space
    (the classifier stage runs before train on every path); None when
    ``train.quick_eval_samples`` is 0."""
    if not config.train.quick_eval_samples:
        return None
    from ganops.evaluation.quick import QuickFid

    return QuickFid(
        train_images, _load_domain_classifier(paths), config.train.quick_eval_samples, n_classes
    )


MODALITY = ImageModality()
