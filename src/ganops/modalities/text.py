"""Text: the fortunes corpus or a UTF-8 file of the user's own lines, a character-level GAN,
n-gram JSD and BLEU.

Samples are strings. The served model returns a table with one ``text`` column, one row per
seed; the generator's per-position scores are decoded by ``ganops.data.text.decode``, the
same decoder that training and evaluation use.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ganops.modalities.base import Evaluation, Modality, Sampler, ServedModel

if TYPE_CHECKING:
    from ganops.config import Config
    from ganops.paths import RunPaths
    from ganops.train_stage import TrainingJob

TEXT_COLUMN, TEMPERATURE_COLUMN = "text", "temperature"
VOCABULARY = "vocab.json"
CURVE = "quality_diversity.png"


class TextModality(Modality):
    name = "text"
    datasets = ("fortunes", "text-file")
    gate_metrics: ClassVar[Mapping[str, bool]] = {
        "jsd_1": False,
        "jsd_2": False,
        "jsd_3": False,
        "jsd_4": False,
        "bleu_2": True,
        "bleu_4": True,
        "self_bleu_2": False,
        "self_bleu_4": False,
    }
    form_sections = ("data", "text", "train", "register")
    train_sections = ("data", "text", "train")
    params_file = "params-text.yaml"
    samples_file = "samples.txt"
    sample_unit = "samples"

    def check_config(self, config: Config) -> None:
        if config.train.conditional or config.train.diffaugment:
            raise ValueError(
                "train.conditional and train.diffaugment are for images; text data has no "
                "labels and DiffAugment's shifts and colours mean nothing for one-hot text"
            )

    def run_label(self, config: Config) -> str:
        if config.text.model == "language_gan":
            return f"{config.data.dataset}-language-gan"
        return f"{config.data.dataset}-char-resnet-{config.train.objective}"

    def prepare(self, config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
        from ganops.data.text_prepare import prepare_text

        return prepare_text(config, project_root, paths.prepared)

    def training_job(self, config: Config, paths: RunPaths) -> TrainingJob:
        from ganops.data.summary import read_summary
        from ganops.data.text import decode
        from ganops.data.text_prepare import load_text_split, load_vocabulary
        from ganops.evaluation.text_evaluation import QuickTextJsd
        from ganops.train_stage import TrainingJob

        read_summary(paths.prepared, self.name)
        train = load_text_split(paths.prepared, "train")
        vocabulary = load_vocabulary(paths.prepared)
        length = train.tokens.shape[1]
        build = _language_gan if config.text.model == "language_gan" else _wgan_gp
        trainer, source = build(config, train.tokens, len(vocabulary))
        samples = config.train.quick_eval_samples
        latent = _latent_dim(config, length)
        quality = None
        if samples:  # the best generator by a quick 4-gram JSD, as images use a quick FID
            sampler_of = lambda generator: _sampler(config.text.model, generator, length)  # noqa: E731
            quality = QuickTextJsd(train.texts, vocabulary, latent, sampler_of, samples)
        return TrainingJob(
            trainer=trainer,
            source=source,
            quality=quality,
            write_samples=lambda epoch, batch: _write_lines(
                paths.samples / f"epoch_{epoch:03d}.txt", decode(batch, vocabulary)
            ),
            unit=self.sample_unit,
            summary={"text_model": config.text.model, "sequence_shape": [length, len(vocabulary)]},
        )

    def evaluate(self, config: Config, paths: RunPaths, project_root: Path) -> Evaluation:
        """Every temperature of ``text.temperatures`` (the quality-diversity curve) for the
        language GAN, one evaluation for the WGAN-GP; the chosen temperature's numbers are the
        run's metrics (``choose_temperature``)."""
        from ganops.data.text_prepare import load_text_split, load_vocabulary
        from ganops.evaluation.text_curve import choose_temperature, save_curve
        from ganops.evaluation.text_evaluation import generate_texts, measure_texts
        from ganops.models.language import heldout_nll
        from ganops.sampling import load_keras_generator

        generator = load_keras_generator(paths.generator)
        vocabulary = load_vocabulary(paths.prepared)
        train = load_text_split(paths.prepared, "train").texts
        test_split = load_text_split(paths.prepared, "test")
        test, length = test_split.texts, test_split.tokens.shape[1]
        n = min(config.evaluate.n_samples, len(train))
        started = time.perf_counter()
        language_gan = config.text.model == "language_gan"
        temperatures = config.text.temperatures if language_gan else [1.0]
        sampler = _sampler(config.text.model, generator, length)
        sweep, samples = {}, {}
        for temperature in temperatures:
            samples[temperature] = generate_texts(
                lambda z, t=temperature: sampler(z, t),
                vocabulary,
                n,
                _latent_dim(config, length),
                config.evaluate.seed,
                config.evaluate.batch_size,
            )
            sweep[temperature] = measure_texts(
                samples[temperature], train, test, config.evaluate.seed
            )
        chosen = choose_temperature(sweep)
        metrics: dict[str, Any] = dict(sweep[chosen])
        metrics |= {"temperature": chosen, "n_generated": n, "n_test": len(test)}
        if language_gan:
            metrics["nll_per_char"] = heldout_nll(generator, test_split.tokens)
        metrics["evaluation_seconds"] = round(time.perf_counter() - started, 2)
        metrics["sweep"] = {f"{t:g}": values for t, values in sweep.items()}
        files = [_write_lines(paths.evaluation / self.samples_file, samples[chosen][:100])]
        if len(sweep) > 1:
            files.append(save_curve(sweep, chosen, paths.evaluation / CURVE))
        return Evaluation(metrics, files, {"ganops.temperature": f"{chosen:g}"})

    def sanity_problems(self, metrics: Mapping[str, Any]) -> list[str]:
        problems = []
        if metrics.get("blank_share", 0.0) > 0.5:
            problems.append(f"{metrics['blank_share']:.0%} of the samples are blank")
        distinct, real = metrics.get("distinct_share"), metrics.get("distinct_share_floor")
        if distinct is not None and real and distinct < 0.25 * real:
            problems.append(
                f"the samples are nearly all alike ({distinct:.1%} distinct vs the real "
                f"text's {real:.1%})"
            )
        if metrics.get("jsd_4", 0.0) >= 0.99:
            problems.append("the samples share almost no 4-grams with the data (jsd_4 ~ 1)")
        return problems

    def served_model(self, config: Config, paths: RunPaths) -> ServedModel:
        import json

        import pandas as pd
        from mlflow.models import ModelSignature
        from mlflow.types import ColSpec, Schema

        from ganops.tracking.model_input import SEED_COLUMN

        # Logged from where prepare wrote it: train's outputs (the model folder) stay as
        # train left them, so DVC has nothing to rerun after register.
        vocabulary = paths.prepared / VOCABULARY
        measured = json.loads(paths.metrics.read_text()) if paths.metrics.is_file() else {}
        length = int(json.loads((paths.prepared / "summary.json").read_text())["sequence_shape"][0])
        inputs = [ColSpec("long", SEED_COLUMN)]
        if config.text.model == "language_gan":
            inputs.append(ColSpec("double", TEMPERATURE_COLUMN, required=False))
        signature = ModelSignature(
            inputs=Schema(inputs), outputs=Schema([ColSpec("string", TEXT_COLUMN)])
        )
        return ServedModel(
            {"vocabulary": str(vocabulary)},
            signature,
            pd.DataFrame({SEED_COLUMN: [0, 1]}),
            {
                "text_model": str(config.text.model),
                "length": length,
                # The temperature the quality gate chose from the sweep (1 before evaluation).
                "temperature": float(measured.get("temperature", 1.0)),
            },
        )

    def load_sampler(
        self, generator: Any, artifacts: Mapping[str, str], settings: Mapping[str, Any]
    ) -> Sampler:
        return TextSampler(generator, Path(artifacts["vocabulary"]), settings)

    def write_samples(self, samples: Any, output: Path) -> dict[str, Any] | None:
        print("\n".join(str(text) for text in samples))
        return None


class TextSampler:
    """The served model's predict: a table of seeds (and an optional ``temperature``) -> a
    table with one ``text`` column."""

    def __init__(self, generator: Any, vocabulary: Path, settings: Mapping[str, Any]) -> None:
        from ganops.data.text import Vocabulary

        self.model_kind = settings.get("text_model", "wgan_gp")
        self.length = int(settings.get("length", 0))
        self.temperature = float(settings.get("temperature", 1.0))
        self.sample = _sampler(self.model_kind, generator, self.length)
        self.latent_dim = (
            self.length if self.model_kind == "language_gan" else int(generator.input_shape[-1])
        )
        self.vocabulary = Vocabulary.from_json(vocabulary.read_text(encoding="utf-8"))

    def __call__(self, model_input: Any, params: Mapping[str, Any] | None = None) -> Any:
        import pandas as pd

        from ganops.data.text import decode
        from ganops.noise import noise_from_seeds
        from ganops.tracking.model_input import column, seeds_from_input

        seeds = seeds_from_input(model_input)
        given = column(model_input, TEMPERATURE_COLUMN)
        temperatures = (
            [float(t) for t in given] if given is not None else [self.temperature] * len(seeds)
        )
        texts: list[str] = [""] * len(seeds)
        for temperature in sorted(set(temperatures)):  # one batch per temperature asked for
            rows = [i for i, t in enumerate(temperatures) if t == temperature]
            z = noise_from_seeds([seeds[i] for i in rows], self.latent_dim)
            for i, text in zip(
                rows, decode(self.sample(z, temperature), self.vocabulary), strict=True
            ):
                texts[i] = text
        return pd.DataFrame({TEXT_COLUMN: texts})


def _latent_dim(config: Config, length: int) -> int:
    """The language GAN draws one normal number per character; the WGAN-GP a latent z."""
    return length if config.text.model == "language_gan" else config.train.latent_dim


def _sampler(model_kind: str, generator: Any, length: int) -> Any:
    """noise, temperature -> tokens (language GAN) or per-character scores (WGAN-GP)."""
    if model_kind == "language_gan":
        from ganops.models.language import sampler_for

        return sampler_for(generator, length)
    from ganops.models.inference import infer

    return lambda z, temperature=1.0: infer(generator, z)


def _language_gan(config: Config, tokens: Any, vocab_size: int) -> tuple[Any, Any]:
    from ganops.data.text_pipeline import TokenBatches
    from ganops.models.language import build_language_model, build_prefix_discriminator
    from ganops.training.language_gan import LanguageGanTrainer
    from ganops.training.trainer import build_trainer

    text, length = config.text, tokens.shape[1]

    def make() -> LanguageGanTrainer:
        generator = build_language_model(vocab_size, text.hidden, text.embedding)
        critic = build_prefix_discriminator(vocab_size, length, filters=text.critic_filters)
        return LanguageGanTrainer(config.train, text, generator, critic, length)

    source = TokenBatches(tokens, config.train.batch_size, config.train.seed)
    return build_trainer(config.train, make), source


def _wgan_gp(config: Config, tokens: Any, vocab_size: int) -> tuple[Any, Any]:
    from ganops.data.text_pipeline import TextBatches
    from ganops.models.text import build_text_models
    from ganops.training.trainer import GanTrainer, build_trainer

    length = tokens.shape[1]
    trainer = build_trainer(
        config.train,
        lambda: GanTrainer(config.train, *build_text_models(config, length, vocab_size)),
    )
    source = TextBatches(tokens, vocab_size, config.train.batch_size, config.train.seed)
    return trainer, source


def _write_lines(path: Path, texts: list[str]) -> Path:
    from ganops.paths import write_text_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, "".join(f"{text}\n" for text in texts))
    return path


MODALITY = TextModality()
