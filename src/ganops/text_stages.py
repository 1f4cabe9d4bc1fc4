"""The train and evaluate stages for text (``data.dataset`` fortunes | text-file).

``ganops.stages`` dispatches here on ``config.data.modality``; prepare and register are
shared. Training is the shared engine (``training.trainer.GanTrainer``: losses, optimizers,
EMA, checkpoints, resume, precision) given the char-level networks and one-hot batches; only
what is built, fed and written differs from images: samples are text files, not grids.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from ganops.config import Config
from ganops.errors import ConfigError
from ganops.paths import RunPaths, write_text_atomic

SAMPLES_TEXT = "samples.txt"
VOCABULARY = "vocab.json"


def _write_lines(path: Path, texts: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, "".join(f"{text}\n" for text in texts))
    return path


def train_text(
    config: Config, paths: RunPaths, project_root: Path, run_name: str | None = None
) -> dict[str, Any]:
    import keras

    from ganops.data.text import decode
    from ganops.data.text_pipeline import TextBatches
    from ganops.data.text_prepare import load_text_split, load_vocabulary
    from ganops.evaluation.text_evaluation import QuickTextJsd
    from ganops.forms import run_label
    from ganops.models.text import build_text_models
    from ganops.stages import _prepared_summary
    from ganops.tracking.text_registry import log_text_generator
    from ganops.train_run import TrainingJob, open_training_run, train_and_log
    from ganops.training.distribute import resolve_strategy
    from ganops.training.precision import apply_precision
    from ganops.training.trainer import GanTrainer, LatentSpec

    summary = _prepared_summary(paths)
    if summary.get("modality") != "text":
        raise ConfigError(
            f"{paths.prepared} holds {summary.get('dataset')!r} images, not text",
            hint="rerun `ganops prepare` with the text parameters",
        )
    if config.train.batch_size > summary["n_train"]:
        raise ConfigError(
            f"train.batch_size ({config.train.batch_size}) is larger than the training set "
            f"({summary['n_train']} text samples)",
            hint="lower train.batch_size or use more data",
        )
    run_id, resumed = open_training_run(
        config, paths, project_root, ("data", "text", "train"), run_name or run_label(config)
    )
    train_split = load_text_split(paths.prepared, "train")
    tokens = train_split.tokens
    vocabulary = load_vocabulary(paths.prepared)
    length, vocab_size = tokens.shape[1], len(vocabulary)

    def log_model() -> str:
        vocab_path = paths.model_dir / VOCABULARY
        shutil.copyfile(paths.prepared / VOCABULARY, vocab_path)
        return log_text_generator(paths.generator, vocab_path)

    def make_job() -> TrainingJob:
        # Precision first: layers take their dtype from the global policy when built.
        apply_precision(config.train.precision)
        keras.utils.set_random_seed(config.train.seed)
        # Under the configured tf.distribute strategy, as the image trainer builds its models.
        with resolve_strategy(config.train.strategy).scope():
            generator, critic = build_text_models(config, length, vocab_size)
            trainer = GanTrainer(
                config.train, generator, critic, LatentSpec((config.train.latent_dim,))
            )
        samples = config.train.quick_eval_samples
        return TrainingJob(
            trainer=trainer,
            source=TextBatches(tokens, vocab_size, config.train.batch_size, config.train.seed),
            # The best generator by a quick 4-gram JSD, as images keep theirs by a quick FID.
            quality=QuickTextJsd(train_split.texts, vocabulary, samples) if samples else None,
            write_samples=lambda epoch, batch: _write_lines(
                paths.samples / f"epoch_{epoch:03d}.txt", decode(batch, vocabulary)
            ),
            log_model=log_model,
            unit="samples",
            summary={"modality": "text", "sequence_shape": [length, vocab_size]},
        )

    return train_and_log(config, paths, project_root, run_id, resumed, make_job)


def evaluate_text(config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
    """Sample by seed, decode, and measure against the held-out split with the real floor;
    writes ``metrics.json`` and ``evaluation/samples.txt`` (also logged to MLflow)."""
    from ganops.data.text import Vocabulary
    from ganops.data.text_prepare import load_text_split
    from ganops.evaluation.text_evaluation import generate_texts, measure_texts
    from ganops.sampling import load_keras_generator
    from ganops.tracking.runs import continue_run, log_metrics, read_run_id

    run_id = read_run_id(paths.run_info)
    generator = load_keras_generator(paths.generator)
    vocabulary = Vocabulary.from_json((paths.model_dir / VOCABULARY).read_text("utf-8"))
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
    sample_path = _write_lines(paths.evaluation / SAMPLES_TEXT, samples[:100])
    write_text_atomic(paths.metrics, json.dumps(metrics, indent=2))
    with continue_run(config, project_root, run_id) as client:
        numbers = [{"step": 0, **{k: float(v) for k, v in metrics.items()}}]
        log_metrics(client, run_id, numbers, [k for k in numbers[0] if k != "step"])
        client.log_artifact(run_id, str(sample_path), "evaluation")
        client.log_artifact(run_id, str(paths.metrics), "evaluation")
    return metrics
