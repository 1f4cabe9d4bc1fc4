"""The adversarial training loop, for any modality: images, one-hot text, ...

API (what a new modality needs)::

    trainer = build_trainer(config, lambda: GanTrainer(config, *build_my_models(...)))
    result = trainer.fit(source, state_dir, callbacks, quality=...)

``build_trainer`` sets the precision policy and the seeds and enters the ``train.strategy``
scope; ``TrainingLoop`` is the loop every trainer shares (``fit``: budget, snapshots, the
best generator, checkpoints, exact resume); ``GanTrainer`` is the one-shot GAN step below, and
``training.language_gan.LanguageGanTrainer`` an autoregressive one.

- ``generator``: Keras model, ``z`` -> fake batch; with two inputs it is conditional and gets
  ``[z, labels]`` (labels int32, shape (B, 1)). Its output has the real batch's shape.
- ``discriminator``: Keras model, batch (or ``[batch, labels]``) -> logits (B, 1), float32.
- ``source``: a ``BatchSource``: ``source.steps_per_epoch`` and ``source(epoch)`` -> a
  ``tf.data.Dataset`` of that epoch's real batches (float tensors of any rank, or
  ``(batch, labels)`` pairs). Its order must depend only on the epoch (exact resume skips
  the batches already trained). ``ganops.data.pipeline.ImageBatches`` is the image one.
- ``LatentSpec``: the shape of one noise vector; noise is standard normal.

Nothing in the train step knows about images: losses reduce over all elements and penalties
over every non-batch axis. Each batch is one discriminator step; every ``d_steps``-th batch
also updates the generator, sharing the forward pass (the tutorial's simultaneous update when
``d_steps`` is 1). The loss (``training.losses``) and the penalty (``training.penalties``) are
looked up by name once, here.

Everything that decides the result (G, D, the EMA generator, optimizer slots, the noise
generator used for z, augmentation and penalties, the epoch and step counters, the budget and
the best score so far) lives in one ``tf.train.Checkpoint``, so a killed run restarted with the
same config continues exactly (mid-epoch too, with ``checkpoint_every_steps``). Tracking is not
done here: the caller passes ``TrainingCallbacks``, which keeps this layer free of MLflow.
"""

from __future__ import annotations

import itertools
import logging
import math
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import keras
import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

from ganops.config import TrainConfig
from ganops.errors import ConfigError, DataError, TrainingError
from ganops.models.inference import infer
from ganops.noise import noise_from_seeds
from ganops.training.callbacks import (
    BestGeneratorKeeper,
    LossRow,
    Quality,
    TrainingBudget,
    TrainingCallbacks,
)
from ganops.training.distribute import across_workers, is_chief, replica_batches, worker_count
from ganops.training.ema import GeneratorEMA
from ganops.training.improved import Improvements
from ganops.training.losses import LOSSES
from ganops.training.optimizers import build_optimizer
from ganops.training.penalties import PENALTIES
from ganops.training.precision import ProbeResult

logger = logging.getLogger(__name__)
Augment = Callable[[tf.Tensor, tf.random.Generator], tf.Tensor]
Trainer = TypeVar("Trainer", bound="TrainingLoop")


def _seed_states(model: keras.Model) -> list[tf.Variable]:
    return [v.value for v in model.non_trainable_variables if "seed_generator" in v.path]


class BatchSource(Protocol):
    steps_per_epoch: int

    def __call__(self, epoch: int) -> tf.data.Dataset: ...


@dataclass(frozen=True)
class LatentSpec:
    """Shape of one noise sample (without the batch axis); values are standard normal."""

    shape: tuple[int, ...]

    def sample(self, noise: tf.random.Generator, batch: tf.Tensor) -> tf.Tensor:
        return noise.normal(tf.concat([[batch], list(self.shape)], axis=0))


@dataclass
class TrainResult:
    steps: int
    epochs: int
    resumed_from_epoch: int
    resumed_from_step: int
    precision: str
    losses: list[LossRow] = field(repr=False)
    best_step: int | None = None
    best_quality: float | None = None
    stopped_by: str = ""  # the limit that ended training: max_seconds | kimg | epochs | max_steps
    kimg: float = 0.0  # thousands of images shown to the discriminator


class TrainingLoop:
    """The loop every trainer shares: its counters, the budget, snapshots, the best-generator
    keeper, checkpoints and exact resume (``fit``).

    A trainer subclass builds its networks and optimizers in ``__init__`` and ends it with
    ``self._start(**trackables)``; it provides ``train_step(batch, update_generator)`` ->
    ``(d_loss, g_loss)``, the ``sampling_generator`` to evaluate and register, and ``grid()``
    (the fixed-noise samples of a snapshot), and may override ``before_step(budget)``.
    """

    config: TrainConfig
    strategy: tf.distribute.Strategy
    precision: str

    def _start(self, **trackables: Any) -> None:
        """The loop's counters and the one ``tf.train.Checkpoint`` of them and ``trackables``."""
        # The measurement behind precision "auto" (set by build_trainer), kept with the run.
        self.precision_probe: ProbeResult | None = None
        # What train.max_seconds counts: wall time (a benchmark may count CPU time instead).
        self.budget_clock: Callable[[], float] = time.perf_counter
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        # Batches of the current epoch already trained: a mid-epoch checkpoint resumes there.
        self.epoch_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch_step")
        # Best quick-quality estimate so far; its generator is in state_dir/BEST_GENERATOR.
        self.best_score = tf.Variable(np.inf, dtype=tf.float64, trainable=False, name="best")
        self.best_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="best_step")
        self._last_checkpoint: str | None = None  # where the newest checkpoint stands
        # Seconds trained so far, checkpointed so train.max_seconds spans resumes.
        self.trained_seconds = tf.Variable(0.0, dtype=tf.float64, trainable=False, name="seconds")
        # The step of the last snapshot (grid, quick estimate, checkpoint).
        self.snapshot_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="snapshot")
        self.checkpoint = tf.train.Checkpoint(
            epoch=self.epoch,
            step=self.step,
            epoch_step=self.epoch_step,
            best_score=self.best_score,
            best_step=self.best_step,
            trained_seconds=self.trained_seconds,
            snapshot_step=self.snapshot_step,
            **trackables,
        )

    def train_step(self, batch: Any, update_generator: bool = True) -> tuple:
        raise NotImplementedError

    @property
    def sampling_generator(self) -> keras.Model:
        raise NotImplementedError

    def grid(self) -> np.ndarray:
        raise NotImplementedError

    def before_step(self, budget: TrainingBudget) -> None:
        """Called before each step with the budget (a trainer that changes phase with it)."""

    def summary(self) -> dict[str, Any]:
        """Facts of this trainer for the train stage's summary (e.g. its phases)."""
        return {}

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
        source: BatchSource,
        state_dir: Path,
        callbacks: TrainingCallbacks | None = None,
        previous_losses: list[LossRow] | None = None,
        quality: Quality | None = None,
    ) -> TrainResult:
        """Train until the budget is spent (``TrainingBudget``), resuming from ``state_dir``.

        Every ``train.snapshot_kimg`` (at the end of a pass) and at the end: a quick quality
        estimate that may keep the generator as the best (``BestGeneratorKeeper``), a sample
        grid for the callbacks and a checkpoint.

        In a cluster every worker calls ``fit`` with the same ``state_dir`` (shared storage)
        and restores from it; only the chief writes there. The others save their checkpoints
        and best generators to a temporary folder, deleted at the end: saving is a collective
        step every worker takes, but one writer keeps the folder consistent.
        """
        writes_here = is_chief(self.strategy)
        save_dir = state_dir if writes_here else Path(tempfile.mkdtemp(prefix="ganops-worker-"))
        try:
            return self._fit(source, state_dir, save_dir, callbacks, previous_losses, quality)
        finally:
            if not writes_here:
                shutil.rmtree(save_dir, ignore_errors=True)

    def _fit(
        self,
        source: BatchSource,
        state_dir: Path,
        save_dir: Path,
        callbacks: TrainingCallbacks | None,
        previous_losses: list[LossRow] | None,
        quality: Quality | None,
    ) -> TrainResult:
        config, callbacks = self.config, callbacks or TrainingCallbacks()
        manager = tf.train.CheckpointManager(self.checkpoint, str(save_dir), max_to_keep=2)
        start_epoch = self.restore(state_dir)
        restored_step = int(self.step.numpy())
        self._check_same_start(state_dir, restored_step)
        self._last_checkpoint = self._position() if restored_step else None
        # Rows logged after the last checkpoint belong to the lost part of the run.
        losses = [row for row in previous_losses or [] if row["step"] <= restored_step]
        budget = TrainingBudget(
            config, self.step, self.epoch, self.trained_seconds, self.budget_clock
        )
        keeper = None
        if quality is not None:
            min_step = math.ceil(config.best_min_kimg * 1000 / config.batch_size)
            keeper = BestGeneratorKeeper(
                quality, save_dir, self.best_score, self.best_step, callbacks.on_quality, min_step
            )
        run = _Run(losses, budget, keeper, callbacks, lambda: self._save(manager, run))
        for epoch in itertools.count(start_epoch):
            if budget.spent():
                break
            finished = self._train_epoch(epoch, source, run)
            if finished:
                self.epoch.assign(epoch + 1)
                self.epoch_step.assign(0)
            if not finished or budget.spent() or self._snapshot_due():
                self._snapshot(epoch + 1, run)
        run.close()
        return TrainResult(
            steps=int(self.step.numpy()),
            epochs=int(self.epoch.numpy()),
            resumed_from_epoch=start_epoch,
            resumed_from_step=restored_step,
            precision=self.precision,
            losses=losses,
            best_step=int(self.best_step.numpy()) if keeper else None,
            best_quality=float(self.best_score.numpy()) if keeper else None,
            stopped_by=budget.stopped_by,
            kimg=budget.kimg(),
        )

    def _check_same_start(self, state_dir: Path, step: int) -> None:
        """Workers that restored different steps would train apart (or wait for each other
        forever): refuse, which happens when ``state_dir`` is not on storage all of them read."""
        if worker_count(self.strategy) == 1:
            return
        steps = across_workers(self.strategy, step)
        low, high = min(steps), max(steps)
        if low != high:
            raise TrainingError(
                f"the workers restored different steps ({low:.0f} to {high:.0f}) from {state_dir}",
                hint="put the --out folder on storage every worker reads (NFS, a shared volume)",
            )

    def _epoch_batches(self, source: BatchSource, epoch: int) -> Any:
        """The rest of one pass's batches (a resumed pass skips what it already trained).
        Several replicas each get their own rows of every global batch through the
        strategy's input API; together they are the single-device batch (``replica_batches``)."""
        skip = int(self.epoch_step.numpy())
        if self.strategy.num_replicas_in_sync == 1:
            return source(epoch).skip(skip)

        def pipeline(context: tf.distribute.InputContext) -> tf.data.Dataset:
            # Once per worker and pass: which rows this process reads (a cluster's log shows
            # that each worker reads its own share).
            logger.info(
                "epoch %d: input pipeline %d of %d, %d of each %d-row batch",
                epoch + 1,
                context.input_pipeline_id,
                context.num_input_pipelines,
                self.config.batch_size // context.num_input_pipelines,
                self.config.batch_size,
            )
            return replica_batches(source(epoch).skip(skip), context, self.config.batch_size)

        return self.strategy.distribute_datasets_from_function(pipeline)

    def _agree_on_clock(self) -> None:
        """``train.max_seconds`` ends training on the clock, which each worker reads for
        itself: all take the slowest one's, so all stop after the same step."""
        if self.config.max_seconds and worker_count(self.strategy) > 1:
            seconds = float(self.trained_seconds.numpy())
            self.trained_seconds.assign(max(across_workers(self.strategy, seconds)))

    def _train_epoch(self, epoch: int, source: BatchSource, run: _Run) -> bool:
        """The rest of one pass (a resumed one skips what it already trained, in the same
        (seed, epoch) order); False when the budget ran out before its end."""
        config, steps_per_epoch = self.config, source.steps_per_epoch
        for batch in self._epoch_batches(source, epoch):
            self.before_step(run.budget)
            # The generator moves on every d_steps-th batch, counted over the whole run.
            update_g = (int(self.step.numpy()) + 1) % config.d_steps == 0
            d_loss, g_loss = (float(value) for value in self.train_step(batch, update_g))
            step = int(self.step.assign_add(1).numpy())
            self.epoch_step.assign_add(1)
            if not (math.isfinite(d_loss) and math.isfinite(g_loss)):
                kept = (
                    f"the last good checkpoint ({self._last_checkpoint}) is kept"
                    if self._last_checkpoint
                    else "no checkpoint was written yet"
                )
                raise TrainingError(
                    f"loss diverged at step {step} (d_loss={d_loss}, g_loss={g_loss}); {kept}",
                    hint="lower the learning rates or change train.loss",
                )
            run.record({"step": step, "epoch": epoch + 1, "d_loss": d_loss, "g_loss": g_loss})
            every_quality = config.quick_eval_every_steps
            if run.keeper and every_quality and step % every_quality == 0:
                run.keeper.estimate(self.sampling_generator, step)
            run.budget.tick()
            self._agree_on_clock()
            if run.budget.spent():
                return int(self.epoch_step.numpy()) >= steps_per_epoch
            every = config.checkpoint_every_steps
            if every and step % every == 0:
                run.save()
        return True

    def _snapshot_due(self) -> bool:
        shown = (int(self.step.numpy()) - int(self.snapshot_step.numpy())) * self.config.batch_size
        return shown >= self.config.snapshot_kimg * 1000

    def _snapshot(self, epoch: int, run: _Run) -> None:
        """Quick estimate, sample grid for the callbacks, one log line, a checkpoint."""
        step = int(self.step.numpy())
        if run.keeper and not self.config.quick_eval_every_steps:
            run.keeper.estimate(self.sampling_generator, step)
        self.snapshot_step.assign(step)
        run.flush()
        last = run.losses[-1] if run.losses else {"d_loss": math.nan, "g_loss": math.nan}
        total = f"/{self.config.epochs}" if self.config.epochs else ""
        # One line per snapshot for logs that cannot show a bar (a Prefect task, a CI log).
        logger.info(
            "epoch %d%s done: step %d, %.1f kimg, %.0f s, d_loss %.3f, g_loss %.3f",
            epoch,
            total,
            step,
            run.budget.kimg(),
            float(self.trained_seconds.numpy()),
            last["d_loss"],
            last["g_loss"],
        )
        run.callbacks.on_snapshot(epoch, self.grid(), run.losses)
        run.save()

    def _save(self, manager: tf.train.CheckpointManager, run: _Run) -> None:
        run.flush()
        manager.save()  # numbered by the checkpoint's restored save counter
        self._last_checkpoint = self._position()
        run.callbacks.on_checkpoint(run.losses)

    def _position(self) -> str:
        """Where training stands, as a person reads it: completed epochs and steps."""
        return f"epoch {int(self.epoch.numpy())}, step {int(self.step.numpy())}"


class GanTrainer(TrainingLoop):
    """Trains an already-built generator/discriminator pair on batches from a ``BatchSource``."""

    def __init__(
        self,
        config: TrainConfig,
        generator: keras.Model,
        discriminator: keras.Model,
        latent: LatentSpec | None = None,
        augment: Augment | None = None,
        n_classes: int = 0,
    ) -> None:
        self.config = config
        self.generator = generator
        self.discriminator = discriminator
        self.latent = latent or LatentSpec((config.latent_dim,))
        self.conditional = len(generator.inputs) == 2
        # The strategy whose scope the models were built in (the default one outside any).
        self.strategy = tf.distribute.get_strategy()
        if augment is not None and self.strategy.num_replicas_in_sync > 1:
            raise ConfigError(
                "train.diffaugment is not supported with several replicas yet",
                hint="set train.strategy: default, or train.diffaugment: ''",
            )
        self.augment = augment
        self.precision = keras.mixed_precision.global_policy().name
        scaling = self.precision == "mixed_float16"
        self.g_optimizer = build_optimizer(
            config.optimizer, config.g_learning_rate, config.beta_1, config.beta_2, scaling
        )
        self.d_optimizer = build_optimizer(
            config.optimizer, config.d_learning_rate, config.beta_1, config.beta_2, scaling
        )
        # Slots are made now, not in the first (traced) step: the generator's first update may
        # come in a later trace than the discriminator's (d_steps > 1), and a tf.function may
        # create variables only in its first trace.
        self.g_optimizer.build(generator.trainable_variables)
        self.d_optimizer.build(discriminator.trainable_variables)
        loss = LOSSES[config.loss]
        self.improved = Improvements(config.improved, generator, discriminator)
        self.d_loss_fn, self.g_loss_fn = self.improved.d_loss_fn(loss.d_loss), loss.g_loss
        self.penalty = PENALTIES[config.penalty]
        self.noise = tf.random.Generator.from_seed(config.seed)
        self.ema = GeneratorEMA(generator, config.ema_decay) if config.ema_decay > 0 else None
        tracked = (
            {"ema_generator": self.ema.model, "ema_updates": self.ema.updates} if self.ema else {}
        )
        self._start(
            generator=generator,
            discriminator=discriminator,
            g_optimizer=self.g_optimizer,
            d_optimizer=self.d_optimizer,
            noise=self.noise,
            # Keras keeps dropout's RNG in SeedGenerator states that the layers do not expose
            # to tf.train.Checkpoint; without them a resumed run draws different masks.
            layer_rng=_seed_states(generator) + _seed_states(discriminator),
            **tracked,
            **self.improved.checkpointed(),
        )
        # The sample-grid noise is fixed by seed so epoch grids are comparable frame to frame.
        n_grid = config.grid_size**2
        self.grid_noise = noise_from_seeds(range(n_grid), int(np.prod(self.latent.shape)))
        self.grid_noise = self.grid_noise.reshape((n_grid, *self.latent.shape))
        # A conditional grid shows class i mod n_classes in cell i (row-major).
        self.grid_labels = (np.arange(n_grid) % max(n_classes, 1)).astype(np.int32).reshape(-1, 1)

    @property
    def sampling_generator(self) -> keras.Model:
        """The generator to sample, evaluate and register: the EMA one when enabled."""
        return self.ema.model if self.ema else self.generator

    def before_step(self, budget: TrainingBudget) -> None:
        """``train.lr_decay: linear``: both step sizes fall with the budget's progress."""
        if self.config.lr_decay == "linear":
            left = max(0.0, 1.0 - budget.progress())
            self.g_optimizer.learning_rate.assign(self.config.g_learning_rate * left)
            self.d_optimizer.learning_rate.assign(self.config.d_learning_rate * left)

    def _generate(self, z: tf.Tensor, labels: tf.Tensor | None, training: bool) -> tf.Tensor:
        return self.generator([z, labels] if self.conditional else z, training=training)

    def _critic(self, x: tf.Tensor, labels: tf.Tensor | None) -> tf.Tensor:
        return self.discriminator([x, labels] if self.conditional else x, training=True)

    def _critic_and_features(self, x: tf.Tensor, labels: tf.Tensor | None) -> tuple:
        """Logits, and the feature layer's output when feature matching needs it."""
        return self.improved.discriminate([x, labels] if self.conditional else x)

    def _scaled(self, optimizer: keras.optimizers.Optimizer, loss: tf.Tensor) -> tf.Tensor:
        return optimizer.scale_loss(loss) if self.precision == "mixed_float16" else loss

    @tf.function
    def train_step(self, batch: tf.Tensor | tuple, update_generator: bool = True) -> tuple:
        """One discriminator step on ``batch``; also a generator step if ``update_generator``.

        Returns ``(d_loss, g_loss)``, float32, the adversarial parts only (penalties are added
        for the gradient); g_loss is measured on this batch whether or not G moves. Under a
        multi-replica strategy each replica takes its slice of the global batch, noise and
        the penalty's random draws (drawn once, here, for the global batch), so the result
        matches one device. Its real rows come from the distributed dataset already split.
        """
        real, labels = batch if self.conditional else (batch, None)
        if self.strategy.num_replicas_in_sync == 1:
            z = self.latent.sample(self.noise, tf.shape(real)[0])
            drawn = self.penalty.draw(self.noise, real)
            d_loss, g_loss = self._replica_step(real, labels, z, drawn, update_generator)
        else:
            # Every worker draws the same global noise (same seed, same steps) and each
            # replica takes its rows, as it does of the data: the noise is never sent.
            rows = self.config.batch_size
            rank = self.strategy.experimental_local_results(real)[0].shape.rank
            z = self.latent.sample(self.noise, rows)
            # The penalty draws per example: it needs the batch size and rank, not the data.
            drawn = self.penalty.draw(self.noise, tf.zeros((rows,) + (1,) * (rank - 1)))
            per_replica = self.strategy.run(
                self._replica_step, args=(real, labels, z, drawn, update_generator, True)
            )
            mean = tf.distribute.ReduceOp.MEAN
            d_loss, g_loss = (self.strategy.reduce(mean, v, axis=None) for v in per_replica)
        # Cross-replica updates of mirrored variables: once, after the optimizers.
        self.penalty.after_update(self.config, self.discriminator)
        if update_generator and self.ema is not None:
            self.ema.update()
        self.improved.after_step(generator_moved=update_generator)  # historical means
        return d_loss, g_loss

    def _replica_step(
        self,
        real: tf.Tensor,
        labels: tf.Tensor | None,
        z: tf.Tensor,
        drawn: tf.Tensor | None,
        update_generator: bool,
        sliced: bool = False,
    ) -> tuple[tf.Tensor, tf.Tensor]:
        if labels is not None:
            labels = tf.reshape(tf.cast(labels, tf.int32), (-1, 1))
        replicas = 1
        if sliced:  # this replica's rows of the global noise (its data rows came split)
            context = tf.distribute.get_replica_context()
            replicas = context.num_replicas_in_sync
            size = tf.shape(real)[0]
            start = context.replica_id_in_sync_group * size
            z = z[start : start + size]
            drawn = None if drawn is None else drawn[start : start + size]
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self._generate(z, labels, training=True)
            real_seen, fake_seen = real, fake
            if self.augment is not None:  # the same augmentation for D's and G's gradients
                real_seen = self.augment(real, self.noise)
                fake_seen = self.augment(fake, self.noise)
            real_logits, real_features = self._critic_and_features(real_seen, labels)
            fake_logits, fake_features = self._critic_and_features(fake_seen, labels)
            d_loss = self.d_loss_fn(real_logits, fake_logits)
            critic = lambda x: self._critic(x, labels)  # noqa: E731
            d_total = self.improved.d_loss(d_loss) + self.penalty.term(
                self.config, critic, real, real_seen, fake, drawn
            )
            g_loss = self.improved.g_loss(self.g_loss_fn(fake_logits), real_features, fake_features)
            # Replicas' gradients are summed: each contributes its share of the global mean.
            d_scaled = self._scaled(self.d_optimizer, d_total / replicas)
            g_scaled = self._scaled(self.g_optimizer, g_loss / replicas)
        d_vars = self.discriminator.trainable_variables
        d_grads = d_tape.gradient(d_scaled, d_vars)
        self.d_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
        if update_generator:
            g_vars = self.generator.trainable_variables
            g_grads = g_tape.gradient(g_scaled, g_vars)
            self.g_optimizer.apply_gradients(zip(g_grads, g_vars, strict=True))
        return d_loss, g_loss

    def sample(self, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        # A plain call, not predict_on_batch: Keras would run that under the strategy,
        # gathering every replica's copy of the output (and waiting for every worker).
        model = self.sampling_generator
        if self.conditional:
            labels = self.grid_labels[: len(z)] if labels is None else labels
            return np.asarray(infer(model, [z, labels]), dtype=np.float32)
        return np.asarray(infer(model, z), dtype=np.float32)

    def grid(self) -> np.ndarray:
        """Samples for the per-epoch grid, from the fixed grid noise (and grid labels)."""
        return self.sample(self.grid_noise)


class _Run:
    """One ``fit`` call's moving parts: its loss rows (sent in batches of
    ``train.log_every_steps``), budget, best-generator keeper, callbacks and progress bar."""

    def __init__(
        self,
        losses: list[LossRow],
        budget: TrainingBudget,
        keeper: BestGeneratorKeeper | None,
        callbacks: TrainingCallbacks,
        save: Callable[[], None],
    ) -> None:
        self.losses, self.budget, self.keeper, self.callbacks = losses, budget, keeper, callbacks
        self.save = save
        self.pending: list[LossRow] = []
        self.log_every = budget.config.log_every_steps
        # One bar for the whole run, in percent of whichever limit binds.
        self.bar = tqdm(
            total=100,
            initial=round(100 * budget.progress()),
            desc="training",
            unit="%",
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining} {postfix}",
            leave=False,
            dynamic_ncols=True,
            mininterval=1.0,
        )

    def record(self, row: LossRow) -> None:
        self.losses.append(row)
        self.pending.append(row)
        if len(self.pending) >= self.log_every:
            self.flush()
        self.bar.n = round(100 * self.budget.progress())
        self.bar.set_postfix(
            d_loss=f"{row['d_loss']:.3f}", g_loss=f"{row['g_loss']:.3f}", refresh=False
        )
        self.bar.update(0)

    def flush(self) -> None:
        if self.pending:
            self.callbacks.on_losses(self.pending)
            self.pending = []

    def close(self) -> None:
        self.flush()
        self.bar.close()


def build_trainer(config: TrainConfig, make: Callable[[], Trainer]) -> Trainer:
    """The setup every modality shares: the precision policy (before any layer is built),
    the seeds, then ``make()`` (the networks and their trainer) inside the
    ``train.strategy`` scope."""
    from ganops.training.distribute import resolve_strategy
    from ganops.training.precision import apply_precision

    _, probe = apply_precision(config.precision)
    keras.utils.set_random_seed(config.seed)
    with resolve_strategy(config.strategy).scope():
        trainer = make()
    trainer.precision_probe = probe
    return trainer


def image_trainer(
    config: TrainConfig, image_shape: tuple[int, int, int], n_classes: int = 0
) -> GanTrainer:
    """The image GAN of ``config`` (architecture, conditioning, DiffAugment) and its trainer."""
    from ganops.models.builders import build_image_models

    augment = None
    if config.diffaugment:
        from ganops.training.diffaugment import diff_augment

        policies = config.diffaugment_policies
        augment = lambda x, noise: diff_augment(x, noise, policies)  # noqa: E731

    def make() -> GanTrainer:
        generator, discriminator = build_image_models(config, image_shape, n_classes)
        labels = n_classes if config.conditional else 0
        return GanTrainer(config, generator, discriminator, augment=augment, n_classes=labels)

    return build_trainer(config, make)
