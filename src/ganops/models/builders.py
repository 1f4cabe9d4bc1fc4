"""Config -> (generator, discriminator) for images. The trainer takes any such pair.

Call after the precision policy is set (``ganops.training.precision.apply_precision``): layers
take their compute dtype from the global policy when they are built.
"""

from __future__ import annotations

import keras

from ganops.config import TrainConfig
from ganops.errors import ConfigError
from ganops.models import dcgan


def build_image_models(
    config: TrainConfig, image_shape: tuple[int, int, int], n_classes: int = 0
) -> tuple[keras.Model, keras.Model]:
    """Generator (z [, label] -> image in [-1, 1]) and discriminator (image [, label] -> logit).

    ``n_classes`` > 0 with ``config.conditional`` builds the class-conditional pair.
    """
    conditional_classes = n_classes if config.conditional else 0
    if config.conditional and n_classes < 2:
        raise ConfigError(
            "train.conditional needs a labelled dataset with at least 2 classes",
            hint="set train.conditional: false, or use data with one subfolder per class",
        )
    if config.architecture == "dcgan":
        return (
            dcgan.build_generator(config.latent_dim, image_shape, n_classes=conditional_classes),
            dcgan.build_discriminator(image_shape, n_classes=conditional_classes),
        )
    if config.architecture == "resnet":
        from ganops.models import resnet

        return (
            resnet.build_generator(config.latent_dim, image_shape, n_classes=conditional_classes),
            resnet.build_discriminator(image_shape, n_classes=conditional_classes),
        )
    raise ConfigError(f"train.architecture {config.architecture!r} is unknown")
