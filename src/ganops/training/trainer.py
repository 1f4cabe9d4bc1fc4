"""The adversarial training loop: one ``tf.function`` step, per-epoch checkpoints, exact resume.

Everything that decides the result (weights, optimizer slots, the noise generator, the epoch
counter) lives in one ``tf.train.Checkpoint``, so a killed run restarted with the same config
continues from the last complete epoch. Tracking is not done here: the caller passes
callbacks, which keeps this layer free of MLflow.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

from ganops.config import TrainConfig
from ganops.data.pipeline import image_dataset
from ganops.errors import DataError, TrainingError
from ganops.models.dcgan import build_discriminator, build_generator
from ganops.noise import noise_from_seeds
from ganops.training.improved import Improvements
from ganops.training.losses import LOSSES
from ganops.training.precision import apply_precision

logger = logging.getLogger(__name__)
LossRow = dict[str, float]
OnLosses = Callable[[list[LossRow]], None]
OnEpoch = Callable[[int, np.ndarray, list[LossRow]], None]


@dataclass
class TrainResult:
    steps: int
    epochs: int
    resumed_from_epoch: int
    resumed_from_step: int
    precision: str
    losses: list[LossRow] = field(repr=False)


class GanTrainer:
    """Builds G and D for ``image_shape`` and trains them on uint8 images."""

    def __init__(self, config: TrainConfig, image_shape: tuple[int, int, int]) -> None:
        self.config = config
        self.image_shape = image_shape
        self.precision = apply_precision(config.precision)
        keras.utils.set_random_seed(config.seed)
        self.generator = build_generator(config.latent_dim, image_shape)
        self.discriminator = build_discriminator(image_shape, minibatch=config.improved.minibatch)
        self.g_optimizer = self._adam(config.g_learning_rate)
        self.d_optimizer = self._adam(config.d_learning_rate)
        self.d_loss_fn, self.g_loss_fn = LOSSES[config.loss]
        self.improved = Improvements(config.improved, self.generator, self.discriminator)
        self.d_loss_fn = self.improved.d_loss_fn(self.d_loss_fn)
        self.noise = tf.random.Generator.from_seed(config.seed)
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        self.checkpoint = tf.train.Checkpoint(
            generator=self.generator,
            discriminator=self.discriminator,
            g_optimizer=self.g_optimizer,
            d_optimizer=self.d_optimizer,
            noise=self.noise,
            epoch=self.epoch,
            step=self.step,
            **self.improved.checkpointed(),
        )
        # The sample-grid noise is fixed by seed so epoch grids are comparable frame to frame.
        self.grid_noise = noise_from_seeds(range(config.grid_size**2), config.latent_dim)

    def _adam(self, learning_rate: float) -> keras.optimizers.Optimizer:
        optimizer = keras.optimizers.Adam(
            learning_rate, beta_1=self.config.beta_1, beta_2=self.config.beta_2
        )
        if self.precision == "mixed_float16":
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    @tf.function
    def train_step(self, real: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        batch = tf.shape(real)[0]
        z = self.noise.normal((batch, self.config.latent_dim))
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(z, training=True)
            real_logits, real_features = self.improved.discriminate(real)
            fake_logits, fake_features = self.improved.discriminate(fake)
            d_loss = self.improved.d_loss(self.d_loss_fn(real_logits, fake_logits))
            g_loss = self.improved.g_loss(self.g_loss_fn(fake_logits), real_features, fake_features)
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables
        self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars, strict=True))
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars, strict=True))
        self.improved.after_step()
        return d_loss, g_loss

    def sample(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(self.generator.predict_on_batch(z), dtype=np.float32)

    def restore(self, state_dir: Path) -> int:
        """Restore the newest readable checkpoint, if any; returns the epoch to start from.

        TensorFlow writes a checkpoint's files first and updates the ``checkpoint`` index last,
        so a crash mid-write leaves the index on the previous one. Should a listed checkpoint
        still be unreadable (a damaged disk, a truncated copy), the next older one is used.
        """
        state = tf.train.get_checkpoint_state(str(state_dir))
        if state is None:
            return 0
        candidates = list(reversed(state.all_model_checkpoint_paths)) or [
            state.model_checkpoint_path
        ]
        for path in candidates:
            try:
                self.checkpoint.restore(path).expect_partial()
            except (tf.errors.OpError, ValueError, IndexError, OSError) as error:
                logger.warning(
                    "checkpoint %s is unreadable (%s); trying an older one",
                    path,
                    error.__class__.__name__,
                )
                continue
            return int(self.epoch.numpy())
        raise DataError(
            f"{state_dir}: no readable checkpoint among {', '.join(candidates)}",
            hint=f"delete {state_dir} to start this training run over",
        )

    def fit(
        self,
        images: np.ndarray,
        state_dir: Path,
        on_losses: OnLosses | None = None,
        on_epoch: OnEpoch | None = None,
        previous_losses: list[LossRow] | None = None,
    ) -> TrainResult:
        config = self.config
        manager = tf.train.CheckpointManager(self.checkpoint, str(state_dir), max_to_keep=2)
        start_epoch = self.restore(state_dir)
        # Rows logged after the last complete checkpoint belong to the lost part of the run.
        restored_step = int(self.step.numpy())
        losses = [row for row in previous_losses or [] if row["step"] <= restored_step]
        steps_per_epoch = len(images) // config.batch_size
        pending: list[LossRow] = []
        for epoch in range(start_epoch, config.epochs):
            if config.max_steps and int(self.step.numpy()) >= config.max_steps:
                break
            # Shuffle by (seed, epoch): a resumed epoch sees the same order as the first try.
            data = image_dataset(images, config.batch_size, seed=config.seed + epoch)
            bar = tqdm(
                data,
                total=steps_per_epoch,
                desc=f"epoch {epoch + 1}/{config.epochs}",
                unit="step",
                leave=False,
                dynamic_ncols=True,
                mininterval=1.0,
            )
            for real in bar:
                d_loss, g_loss = (float(v) for v in self.train_step(real))
                step = int(self.step.assign_add(1).numpy())
                if not (math.isfinite(d_loss) and math.isfinite(g_loss)):
                    raise TrainingError(
                        f"loss diverged at step {step} (d_loss={d_loss}, g_loss={g_loss}); "
                        f"the last good checkpoint (epoch {int(self.epoch.numpy())}) is kept",
                        hint="lower the learning rates or change train.loss",
                    )
                row = {"step": step, "epoch": epoch + 1, "d_loss": d_loss, "g_loss": g_loss}
                losses.append(row)
                pending.append(row)
                bar.set_postfix(d_loss=f"{d_loss:.3f}", g_loss=f"{g_loss:.3f}")
                if len(pending) >= config.log_every_steps and on_losses:
                    on_losses(pending)
                    pending = []
                if config.max_steps and step >= config.max_steps:
                    break
            bar.close()
            if pending and on_losses:
                on_losses(pending)
                pending = []
            self.epoch.assign(epoch + 1)
            if on_epoch:
                on_epoch(epoch + 1, self.sample(self.grid_noise), losses)
            manager.save(checkpoint_number=epoch + 1)
        return TrainResult(
            steps=int(self.step.numpy()),
            epochs=int(self.epoch.numpy()),
            resumed_from_epoch=start_epoch,
            resumed_from_step=restored_step,
            precision=self.precision,
            losses=losses,
        )
