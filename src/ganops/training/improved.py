"""The improved techniques of ``train.improved`` wired together for one training step.

The trainer asks this object how to discriminate (logits, and features when feature matching
needs them), which losses to use and what penalties to add; with every option off it changes
nothing, so the plain training step stays the default and the cost of each option is only
paid when it is chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import tensorflow as tf

from ganops.config import ImprovedConfig
from ganops.models.features import with_features
from ganops.training.feature_matching import feature_matching_loss
from ganops.training.historical_averaging import HistoricalAverage
from ganops.training.label_smoothing import one_sided_smoothing

DLoss = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]


class Improvements:
    def __init__(
        self, config: ImprovedConfig, generator: keras.Model, discriminator: keras.Model
    ) -> None:
        self.config = config
        self.discriminator = discriminator
        matching = config.feature_matching != "none"
        self.discriminator_with_features = with_features(discriminator) if matching else None
        averaging = config.historical_averaging > 0
        self.g_average = HistoricalAverage(generator.trainable_variables) if averaging else None
        self.d_average = HistoricalAverage(discriminator.trainable_variables) if averaging else None

    def d_loss_fn(self, plain: DLoss) -> DLoss:
        if self.config.label_smoothing:
            return one_sided_smoothing(self.config.label_smoothing)
        return plain

    def discriminate(self, inputs: Any) -> tuple[tf.Tensor, tf.Tensor | None]:
        """Logits, and the feature layer's output when feature matching is on. ``inputs`` is
        whatever the discriminator takes (images, or [images, labels] when conditional)."""
        if self.discriminator_with_features is None:
            return self.discriminator(inputs, training=True), None
        logits, features = self.discriminator_with_features(inputs, training=True)
        return logits, features

    def g_loss(
        self,
        adversarial: tf.Tensor,
        real_features: tf.Tensor | None,
        fake_features: tf.Tensor | None,
    ) -> tf.Tensor:
        loss = adversarial
        if self.discriminator_with_features is not None:
            matching = self.config.feature_matching_weight * feature_matching_loss(
                real_features, fake_features
            )
            loss = matching if self.config.feature_matching == "alone" else loss + matching
        if self.g_average is not None:
            loss += self.config.historical_averaging * self.g_average.penalty()
        return loss

    def d_loss(self, loss: tf.Tensor) -> tf.Tensor:
        if self.d_average is not None:
            loss += self.config.historical_averaging * self.d_average.penalty()
        return loss

    def after_step(self, generator_moved: bool = True) -> None:
        """Fold the updated parameters into the historical means (the generator's only on
        the steps that moved it, with ``train.d_steps`` > 1)."""
        if self.d_average is not None:
            self.d_average.update()
        if self.g_average is not None and generator_moved:
            self.g_average.update()

    def checkpointed(self) -> dict[str, Any]:
        """State to save with the run's checkpoint (the historical means), by name."""
        state = {"g_average": self.g_average, "d_average": self.d_average}
        return {name: value for name, value in state.items() if value is not None}
