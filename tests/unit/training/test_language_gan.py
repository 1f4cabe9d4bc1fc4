"""The language GAN's trainer on real text: maximum likelihood, the critic's warm-up and
REINFORCE, phases that follow the budget and survive a resume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ganops.config import TextConfig, TrainConfig, validate
from ganops.data.text_pipeline import TokenBatches
from ganops.data.text_prepare import load_text_split, load_vocabulary, prepare_text
from ganops.models.language import build_language_model, build_prefix_discriminator
from ganops.training.callbacks import TrainingCallbacks
from ganops.training.language_gan import ADVERSARIAL, MLE, LanguageGanTrainer
from ganops.training.trainer import build_trainer
from tests.conftest import FIXTURES, TEXT_PARAMS


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, int]:
    folder = tmp_path_factory.mktemp("prepared")
    prepare_text(validate(TEXT_PARAMS), FIXTURES, folder)
    return load_text_split(folder, "train").tokens, len(load_vocabulary(folder))


def trainer(tokens: np.ndarray, vocab: int, **changes: object) -> LanguageGanTrainer:
    train = TrainConfig(
        batch_size=16, max_steps=30, epochs=0, max_seconds=0, precision="float32",
        grid_size=2, **changes,
    )  # fmt: skip
    text = TextConfig(pretrain_share=0.5, critic_warmup_steps=5, hidden=16, embedding=8,
                      critic_filters=4)  # fmt: skip
    length = tokens.shape[1]
    return build_trainer(
        train,
        lambda: LanguageGanTrainer(
            train,
            text,
            build_language_model(vocab, text.hidden, text.embedding),
            build_prefix_discriminator(vocab, length, filters=text.critic_filters, hidden=4),
            length,
        ),
    )


def test_phases_follow_the_budget(tokens: tuple, tmp_path: Path) -> None:
    data, vocab = tokens
    model = trainer(data, vocab)
    result = model.fit(TokenBatches(data, 16, 0), tmp_path)
    d_losses = [row["d_loss"] for row in result.losses]
    # Steps 1-15 maximum likelihood (the critic untrained), 16-20 the critic's warm-up, then
    # adversarial: the critic trains from step 16 on.
    assert d_losses[:15] == [0.0] * 15 and all(d > 0 for d in d_losses[15:])
    assert int(model.phase.numpy()) == ADVERSARIAL and result.steps == 30
    g_losses = [row["g_loss"] for row in result.losses]
    assert np.mean(g_losses[-5:]) < np.mean(g_losses[:5])  # it learns the characters
    assert model.grid().shape == (4, data.shape[1])


def test_maximum_likelihood_alone_is_the_baseline(tokens: tuple, tmp_path: Path) -> None:
    data, vocab = tokens
    model = trainer(data, vocab)
    model.text = model.text.model_copy(update={"pretrain_share": 1.0})
    result = model.fit(TokenBatches(data, 16, 0), tmp_path)
    assert int(model.phase.numpy()) == MLE
    assert all(row["d_loss"] == 0.0 for row in result.losses)


def test_a_resume_inside_the_warm_up_continues_exactly(tokens: tuple, tmp_path: Path) -> None:
    data, vocab = tokens
    straight = trainer(data, vocab, checkpoint_every_steps=2)
    straight.fit(TokenBatches(data, 16, 0), tmp_path / "straight")

    class Crash(TrainingCallbacks):  # the process dies right after the step-18 checkpoint
        def on_checkpoint(self, losses: list) -> None:
            if losses and losses[-1]["step"] >= 18:
                raise KeyboardInterrupt

    interrupted = trainer(data, vocab, checkpoint_every_steps=2)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(TokenBatches(data, 16, 0), tmp_path / "resumed", Crash())
    resumed = trainer(data, vocab, checkpoint_every_steps=2)
    result = resumed.fit(TokenBatches(data, 16, 0), tmp_path / "resumed")
    assert result.resumed_from_step == 18 and result.steps == 30
    for model in ("generator", "critic"):
        for a, b in zip(
            getattr(straight, model).get_weights(),
            getattr(resumed, model).get_weights(),
            strict=True,
        ):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
