"""Text: the fortunes corpus or a UTF-8 file of the user's own lines, a character-level GAN,
n-gram JSD and BLEU.

Samples are strings. The served model returns a table with one ``text`` column, one row per
seed; the generator's per-position scores are decoded by ``ganops.data.text.decode``, the
same decoder that training and evaluation use.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ganops.modalities.base import Evaluation, Modality, Sampler, ServedModel

if TYPE_CHECKING:
    from ganops.config import Config
    from ganops.paths import RunPaths
    from ganops.train_stage import TrainingJob

TEXT_COLUMN = "text"
VOCABULARY = "vocab.json"


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
        return f"{config.data.dataset}-char-resnet-{config.train.objective}"

    def prepare(self, config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
        from ganops.data.text_prepare import prepare_text

        return prepare_text(config, project_root, paths.prepared)

    def training_job(self, config: Config, paths: RunPaths) -> TrainingJob:
        from ganops.data.summary import read_summary
        from ganops.data.text import decode
        from ganops.data.text_pipeline import TextBatches
        from ganops.data.text_prepare import load_text_split, load_vocabulary
        from ganops.evaluation.text_evaluation import QuickTextJsd
        from ganops.models.text import build_text_models
        from ganops.train_stage import TrainingJob
        from ganops.training.trainer import GanTrainer, build_trainer

        read_summary(paths.prepared, self.name)
        train = load_text_split(paths.prepared, "train")
        vocabulary = load_vocabulary(paths.prepared)
        length, vocab_size = train.tokens.shape[1], len(vocabulary)
        source = TextBatches(train.tokens, vocab_size, config.train.batch_size, config.train.seed)
        samples = config.train.quick_eval_samples
        return TrainingJob(
            trainer=build_trainer(
                config.train,
                lambda: GanTrainer(config.train, *build_text_models(config, length, vocab_size)),
            ),
            source=source,
            # The best generator by a quick 4-gram JSD, as images keep theirs by a quick FID.
            quality=QuickTextJsd(train.texts, vocabulary, samples) if samples else None,
            write_samples=lambda epoch, batch: _write_lines(
                paths.samples / f"epoch_{epoch:03d}.txt", decode(batch, vocabulary)
            ),
            unit=self.sample_unit,
            summary={"sequence_shape": [length, vocab_size]},
        )

    def evaluate(self, config: Config, paths: RunPaths, project_root: Path) -> Evaluation:
        from ganops.data.text_prepare import load_text_split, load_vocabulary
        from ganops.evaluation.text_evaluation import generate_texts, measure_texts
        from ganops.sampling import load_keras_generator

        generator = load_keras_generator(paths.generator)
        vocabulary = load_vocabulary(paths.prepared)
        train = load_text_split(paths.prepared, "train").texts
        test = load_text_split(paths.prepared, "test").texts
        n = min(config.evaluate.n_samples, len(train))
        started = time.perf_counter()
        samples = generate_texts(
            lambda z: generator.predict_on_batch(z),
            vocabulary,
            n,
            int(generator.input_shape[-1]),
            config.evaluate.seed,
            config.evaluate.batch_size,
        )
        metrics: dict[str, Any] = measure_texts(samples, train, test, config.evaluate.seed)
        metrics |= {
            "n_generated": n,
            "n_test": len(test),
            "evaluation_seconds": round(time.perf_counter() - started, 2),
        }
        sample_path = _write_lines(paths.evaluation / self.samples_file, samples[:100])
        return Evaluation(metrics, [sample_path])

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
        import pandas as pd
        from mlflow.models import ModelSignature
        from mlflow.types import ColSpec, Schema

        from ganops.tracking.model_input import SEED_COLUMN

        vocabulary = paths.model_dir / VOCABULARY
        shutil.copyfile(paths.prepared / VOCABULARY, vocabulary)
        signature = ModelSignature(
            inputs=Schema([ColSpec("long", SEED_COLUMN)]),
            outputs=Schema([ColSpec("string", TEXT_COLUMN)]),
        )
        return ServedModel(
            {"vocabulary": str(vocabulary)}, signature, pd.DataFrame({SEED_COLUMN: [0, 1]})
        )

    def load_sampler(self, generator: Any, artifacts: Mapping[str, str]) -> Sampler:
        return TextSampler(generator, Path(artifacts["vocabulary"]))

    def write_samples(self, samples: Any, output: Path) -> dict[str, Any] | None:
        print("\n".join(str(text) for text in samples))
        return None


class TextSampler:
    """The served model's predict: a table of seeds -> a table with one ``text`` column."""

    def __init__(self, generator: Any, vocabulary: Path) -> None:
        from ganops.data.text import Vocabulary

        self.generator = generator
        self.latent_dim = int(generator.input_shape[-1])
        self.vocabulary = Vocabulary.from_json(vocabulary.read_text(encoding="utf-8"))

    def __call__(self, model_input: Any, params: Mapping[str, Any] | None = None) -> Any:
        import numpy as np
        import pandas as pd

        from ganops.data.text import decode
        from ganops.noise import noise_from_seeds
        from ganops.tracking.model_input import seeds_from_input

        z = noise_from_seeds(seeds_from_input(model_input), self.latent_dim)
        scores = np.asarray(self.generator.predict_on_batch(z))
        return pd.DataFrame({TEXT_COLUMN: decode(scores, self.vocabulary)})


def _write_lines(path: Path, texts: list[str]) -> Path:
    from ganops.paths import write_text_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, "".join(f"{text}\n" for text in texts))
    return path


MODALITY = TextModality()
