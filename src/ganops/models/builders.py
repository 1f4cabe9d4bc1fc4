"""Image architectures by name (``train.architecture``) -> (generator, discriminator).

Each architecture is a module with ``build_generator`` and ``build_discriminator`` of the same
contract (see ``dcgan``) and ``from_config(config, image_shape, n_classes)``, which reads the
settings it uses; this table is the one list of them. Its modules are imported only when a
model is built, so the configuration can check names without TensorFlow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ganops.errors import ConfigError

if TYPE_CHECKING:
    import keras

    from ganops.config import TrainConfig

ARCHITECTURES = {
    "dcgan": "ganops.models.dcgan",  # Radford et al. 2015, the TensorFlow tutorial's layout
    "resnet": "ganops.models.resnet",  # Miyato et al. 2018, spectral normalization in D
}


def build_image_models(
    config: TrainConfig, image_shape: tuple[int, int, int], n_classes: int = 0
) -> tuple[keras.Model, keras.Model]:
    """Generator (z [, label] -> image in [-1, 1]) and discriminator (image [, label] -> logit).

    ``n_classes`` > 0 with ``config.conditional`` builds the class-conditional pair. Call after
    the precision policy is set: layers take their compute dtype from it when built.
    """
    conditional_classes = n_classes if config.conditional else 0
    if config.conditional and n_classes < 2:
        raise ConfigError(
            "train.conditional needs a labelled dataset with at least 2 classes",
            hint="set train.conditional: false, or use data with one subfolder per class",
        )
    module = importlib.import_module(ARCHITECTURES[config.architecture])
    return module.from_config(config, image_shape, conditional_classes)
