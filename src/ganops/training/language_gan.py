"""A language GAN that starts from maximum likelihood (the default text model).

Every text GAN that works in practice pretrains its generator by maximum likelihood and then
trains it adversarially (SeqGAN, RelGAN, ScratchGAN, ColdGANs). ``LanguageGanTrainer`` does
that inside ``TrainingLoop``'s budget, in three phases that the checkpoint remembers:

1. **maximum likelihood** for the first ``text.pretrain_share`` of the budget (teacher-forced
   cross-entropy, Adam at ``text.mle_learning_rate``, gradients clipped at norm 5);
2. **critic warm-up**: ``text.critic_warmup_steps`` steps of the per-prefix discriminator
   alone, so its rewards mean something when the generator starts to follow them;
3. **adversarial**: REINFORCE with per-token rewards (d'Autume et al. 2019, ScratchGAN;
   Scialom et al. 2020, ColdGANs): each step samples a batch, updates the critic on real vs
   generated prefixes, and moves the generator by the policy gradient of the discounted
   per-token rewards 2 D(x_1..t) - 1 (discount ``text.discount``) minus a per-position moving
   baseline, plus ``text.mle_weight`` x the maximum-likelihood loss on the real batch, which
   keeps its diversity. Adam at ``train.g_learning_rate`` / ``train.d_learning_rate``.

The estimator was chosen by measurement on fortunes (docs/evaluation.md): the Gumbel-softmax
relaxation with a multi-representation CNN critic (RelGAN) lowered the held-out likelihood
and the BLEU at every Self-BLEU; REINFORCE with the MLE term kept both. ``pretrain_share``
1.0 is the maximum-likelihood baseline itself, trained by the same code.

Loss rows: ``g_loss`` is the generator's maximum-likelihood loss on the batch (nats per
character) in every phase, ``d_loss`` the critic's (0 before it trains).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from ganops.config import TextConfig, TrainConfig
from ganops.errors import ConfigError
from ganops.models.language import end_mask, sampler_for, shift_right
from ganops.noise import noise_from_seeds
from ganops.training.callbacks import TrainingBudget
from ganops.training.trainer import TrainingLoop

MLE, WARMUP, ADVERSARIAL = 0, 1, 2
CLIP_NORM = 5.0
BASELINE_DECAY = 0.9  # of the per-position moving average of the returns


def mle_loss(model: keras.Model, tokens: tf.Tensor, training: bool = True) -> tf.Tensor:
    """Teacher-forced cross-entropy in nats per character, the end position counted."""
    vocab_size = int(model.output_shape[-1])
    logits = tf.cast(model(shift_right(tokens, vocab_size), training=training), tf.float32)
    nats = tf.nn.sparse_softmax_cross_entropy_with_logits(tokens, logits)
    mask = end_mask(tokens)
    return tf.reduce_sum(nats * mask) / tf.reduce_sum(mask)


def _clipped(tape: tf.GradientTape, loss: tf.Tensor, variables: list) -> list:
    gradients, _ = tf.clip_by_global_norm(tape.gradient(loss, variables), CLIP_NORM)
    return gradients


class LanguageGanTrainer(TrainingLoop):
    """Trains a ``build_language_model`` generator against a ``build_prefix_discriminator``
    critic on batches of int32 tokens (B, L) (``data.text_pipeline.TokenBatches``)."""

    def __init__(
        self,
        config: TrainConfig,
        text: TextConfig,
        generator: keras.Model,
        critic: keras.Model,
        length: int,
    ) -> None:
        self.config, self.text = config, text
        self.generator, self.critic, self.length = generator, critic, length
        self.strategy = tf.distribute.get_strategy()
        if self.strategy.num_replicas_in_sync > 1:  # its step is not written for replicas
            raise ConfigError(
                "the language GAN trains on one device",
                hint="set train.strategy: default (or unset TF_CONFIG)",
            )
        self.precision = keras.mixed_precision.global_policy().name
        self.vocab_size = int(generator.output_shape[-1])
        self.mle_optimizer = keras.optimizers.Adam(text.mle_learning_rate)
        adam = {"beta_1": config.beta_1, "beta_2": config.beta_2}
        self.g_optimizer = keras.optimizers.Adam(config.g_learning_rate, **adam)
        self.d_optimizer = keras.optimizers.Adam(config.d_learning_rate, **adam)
        for optimizer, model in (
            (self.mle_optimizer, generator),
            (self.g_optimizer, generator),
            (self.d_optimizer, critic),
        ):
            optimizer.build(model.trainable_variables)
        self.noise = tf.random.Generator.from_seed(config.seed)
        self.phase = tf.Variable(MLE, dtype=tf.int64, trainable=False, name="phase")
        self.phase_steps = tf.Variable(0, dtype=tf.int64, trainable=False, name="phase_steps")
        # Step and trained seconds at which each phase began (the summary's phase table).
        self.phase_marks = tf.Variable(
            tf.fill((3, 2), -1.0), dtype=tf.float32, trainable=False, name="phase_marks"
        )
        self.baseline = tf.Variable(tf.zeros((length,)), trainable=False, name="baseline")
        self.baseline_ready = tf.Variable(False, trainable=False, name="baseline_ready")
        # Returns = rewards @ discounts, discounts[s, t] = discount^(s - t) for s >= t.
        s, t = np.meshgrid(np.arange(length), np.arange(length), indexing="ij")
        self.discounts = tf.constant(
            np.where(s >= t, text.discount ** (s - t), 0.0).astype(np.float32)
        )
        self._start(
            generator=generator,
            discriminator=critic,
            mle_optimizer=self.mle_optimizer,
            g_optimizer=self.g_optimizer,
            d_optimizer=self.d_optimizer,
            noise=self.noise,
            phase=self.phase,
            phase_steps=self.phase_steps,
            phase_marks=self.phase_marks,
            baseline=self.baseline,
            baseline_ready=self.baseline_ready,
        )
        self.sampler = sampler_for(generator, length)
        self.grid_noise = noise_from_seeds(range(config.grid_size**2), length)

    @property
    def sampling_generator(self) -> keras.Model:
        return self.generator

    def grid(self) -> np.ndarray:
        """Tokens (B, L) from the fixed grid noise at temperature 1."""
        return self.sampler(self.grid_noise)

    def before_step(self, budget: TrainingBudget) -> None:
        """Maximum likelihood until ``pretrain_share`` of the budget, then the critic's
        warm-up, then adversarial training."""
        phase = int(self.phase.numpy())
        if phase == MLE and self.text.pretrain_share < 1.0:
            if budget.progress() >= self.text.pretrain_share:
                self._enter(WARMUP if self.text.critic_warmup_steps else ADVERSARIAL)
        elif phase == WARMUP and int(self.phase_steps.numpy()) >= self.text.critic_warmup_steps:
            self._enter(ADVERSARIAL)

    def _enter(self, phase: int) -> None:
        self.phase.assign(phase)
        self.phase_steps.assign(0)
        mark = [float(self.step.numpy()), float(self.trained_seconds.numpy())]
        self.phase_marks[phase].assign(mark)

    def summary(self) -> dict[str, Any]:
        """Steps and seconds of each phase so far (maximum likelihood, critic warm-up,
        adversarial)."""
        marks = self.phase_marks.numpy().tolist()
        marks[MLE] = [0.0, 0.0]
        end = [float(self.step.numpy()), float(self.trained_seconds.numpy())]
        phases = {}
        for phase, name in ((MLE, "mle"), (WARMUP, "critic_warmup"), (ADVERSARIAL, "adversarial")):
            if marks[phase][0] < 0:
                continue
            later = [m for m in marks[phase + 1 :] if m[0] >= 0]
            stop = later[0] if later else end
            phases[name] = {
                "steps": int(stop[0] - marks[phase][0]),
                "seconds": round(stop[1] - marks[phase][1], 1),
            }
        return {"phases": phases}

    def train_step(self, batch: Any, update_generator: bool = True) -> tuple:
        phase = int(self.phase.numpy())
        self.phase_steps.assign_add(1)
        if phase == MLE:
            return tf.constant(0.0), self._mle_step(batch)
        if phase == WARMUP:
            return self._warmup_step(batch)
        return self._adversarial_step(batch)

    @tf.function
    def _mle_step(self, tokens: tf.Tensor) -> tf.Tensor:
        variables = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            loss = mle_loss(self.generator, tokens)
        self.mle_optimizer.apply_gradients(
            zip(_clipped(tape, loss, variables), variables, strict=True)
        )
        return loss

    def _rollout(self, batch: tf.Tensor) -> tf.Tensor:
        """(B, L) samples of the generator from the checkpointed noise generator."""
        z = self.noise.normal((batch, self.length))
        return self.sampler.draw(z, tf.constant(1.0))

    @tf.function
    def _critic_step(self, real: tf.Tensor, fake: tf.Tensor) -> tf.Tensor:
        """Per-prefix cross-entropy, real vs generated, each up to its end."""
        variables = self.critic.trainable_variables
        with tf.GradientTape() as tape:
            losses = []
            for tokens, target in ((real, 1.0), (fake, 0.0)):
                logits = tf.cast(self.critic(tokens, training=True), tf.float32)
                nats = tf.nn.sigmoid_cross_entropy_with_logits(
                    tf.fill(tf.shape(logits), target), logits
                )
                mask = end_mask(tokens)
                losses.append(tf.reduce_sum(nats * mask) / tf.reduce_sum(mask))
            loss = 0.5 * (losses[0] + losses[1])
        self.d_optimizer.apply_gradients(
            zip(_clipped(tape, loss, variables), variables, strict=True)
        )
        return loss

    @tf.function
    def _warmup_step(self, real: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        d_loss = self._critic_step(real, self._rollout(tf.shape(real)[0]))
        return d_loss, mle_loss(self.generator, real, training=False)

    @tf.function
    def _adversarial_step(self, real: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        batch = tf.shape(real)[0]
        fake = self._rollout(batch)
        d_loss = self._critic_step(real, fake)
        mask = end_mask(fake)
        rewards = (2.0 * tf.sigmoid(tf.cast(self.critic(fake), tf.float32)) - 1.0) * mask
        returns = tf.matmul(rewards, self.discounts)  # sum over s >= t of discount^(s-t) r_s
        mean = tf.reduce_sum(returns * mask, 0) / tf.maximum(tf.reduce_sum(mask, 0), 1.0)
        decay = tf.where(self.baseline_ready, BASELINE_DECAY, 0.0)
        self.baseline.assign(decay * self.baseline + (1.0 - decay) * mean)
        self.baseline_ready.assign(True)
        advantage = tf.stop_gradient((returns - self.baseline[None, :]) * mask)
        variables = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            # One pass over generated and real rows: the policy gradient and the MLE term.
            both = tf.concat([fake, real], 0)
            logits = self.generator(shift_right(both, self.vocab_size), training=True)
            logits = tf.cast(logits, tf.float32)
            log_p = -tf.nn.sparse_softmax_cross_entropy_with_logits(fake, logits[:batch])
            policy = -tf.reduce_sum(advantage * log_p) / tf.reduce_sum(mask)
            real_mask = end_mask(real)
            nats = tf.nn.sparse_softmax_cross_entropy_with_logits(real, logits[batch:])
            mle = tf.reduce_sum(nats * real_mask) / tf.reduce_sum(real_mask)
            loss = policy + self.text.mle_weight * mle
        self.g_optimizer.apply_gradients(
            zip(_clipped(tape, loss, variables), variables, strict=True)
        )
        return d_loss, mle
