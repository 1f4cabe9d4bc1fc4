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
    import mlflow

    from ganops.data.text import decode
    from ganops.data.text_pipeline import TextBatches
    from ganops.data.text_prepare import load_text_split, load_vocabulary
    from ganops.evaluation.pictures import save_loss_plot
    from ganops.evaluation.text_evaluation import QuickTextJsd
    from ganops.models.text import build_text_models
    from ganops.stages import _keras_atomic, _prepared_summary, _reset_stale_state
    from ganops.tracking.resilient import ResilientSender
    from ganops.tracking.runs import continue_run, log_metrics, start_pipeline_run
    from ganops.tracking.text_registry import log_text_generator
    from ganops.training.distribute import resolve_strategy
    from ganops.training.loss_log import read_losses, write_losses
    from ganops.training.precision import apply_precision
    from ganops.training.trainer import BEST_GENERATOR, GanTrainer, LatentSpec

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
    state = paths.train_state
    resumed = _reset_stale_state(state, config.fingerprint("data", "text", "train"))
    run_name = run_name or f"{config.data.dataset}-textgan-{config.train.loss}"
    run_id = start_pipeline_run(config, project_root, state / "run.json", run_name)
    train_split = load_text_split(paths.prepared, "train")
    tokens = train_split.tokens
    vocabulary = load_vocabulary(paths.prepared)
    length, vocab_size = tokens.shape[1], len(vocabulary)

    with continue_run(config, project_root, run_id) as client:
        on_losses = ResilientSender(
            lambda rows: log_metrics(client, run_id, rows, ["d_loss", "g_loss"]), "loss"
        )
        send_samples = ResilientSender(
            lambda rows: [client.log_artifact(run_id, row["path"], "samples") for row in rows],
            "sample-text",
        )

        def on_epoch(epoch: int, grid: Any, losses: list[dict]) -> None:
            path = _write_lines(paths.samples / f"epoch_{epoch:03d}.txt", decode(grid, vocabulary))
            write_losses(state / "losses.tsv", losses)
            send_samples([{"path": str(path)}])

        # Keep the best generator by a quick 4-gram JSD, as images keep theirs by a quick FID.
        samples = config.train.quick_eval_samples
        quality = QuickTextJsd(train_split.texts, vocabulary, samples) if samples else None
        send_quality = ResilientSender(
            lambda rows: log_metrics(client, run_id, rows, [QuickTextJsd.name]), "quick-quality"
        )

        # Precision first: layers take their dtype from the global policy when built.
        apply_precision(config.train.precision)
        keras.utils.set_random_seed(config.train.seed)
        # Under the configured tf.distribute strategy, as the image trainer builds its models.
        with resolve_strategy(config.train.strategy).scope():
            generator, critic = build_text_models(config, length, vocab_size)
            latent = LatentSpec((config.train.latent_dim,))
            trainer = GanTrainer(config.train, generator, critic, latent)
        source = TextBatches(tokens, vocab_size, config.train.batch_size, config.train.seed)
        started = time.perf_counter()
        result = trainer.fit(
            source,
            state,
            on_losses,
            on_epoch,
            previous_losses=read_losses(state / "losses.tsv"),
            on_checkpoint=lambda losses: write_losses(state / "losses.tsv", losses),
            quality=quality,
            on_quality=(
                (lambda step, value, best: send_quality([{"step": step, quality.name: value}]))
                if quality
                else None
            ),
        )
        seconds = time.perf_counter() - started

        paths.model_dir.mkdir(parents=True, exist_ok=True)
        best = state / BEST_GENERATOR
        with _keras_atomic(paths.generator) as tmp:
            if quality is not None and best.is_file():  # the best by the quick metric
                shutil.copyfile(best, tmp)
            else:
                keras.saving.save_model(trainer.sampling_generator, tmp)
        vocab_path = paths.model_dir / VOCABULARY
        shutil.copyfile(paths.prepared / VOCABULARY, vocab_path)
        write_losses(paths.losses, result.losses)
        plot = save_loss_plot(result.losses, paths.root / "plots" / "losses.png")
        for sender in (on_losses, send_samples, send_quality):
            sender.close(str(paths.root))
        client.log_artifact(run_id, str(plot), "plots")
        client.log_artifact(run_id, str(paths.losses), "plots")
        trained_steps = result.steps - result.resumed_from_step
        train_summary = {
            "run_id": run_id,
            "modality": "text",
            "sequence_shape": [length, vocab_size],
            "latent_dim": config.train.latent_dim,
            "steps": result.steps,
            "epochs": result.epochs,
            "resumed": resumed,
            "resumed_from_epoch": result.resumed_from_epoch,
            "precision": result.precision,
            "best_step": result.best_step,
            "best_quality": result.best_quality,
            "seconds": round(seconds, 2),
            "samples_per_second": round(trained_steps * config.train.batch_size / seconds, 1)
            if seconds
            else None,
        }
        mlflow.start_run(run_id=run_id)
        try:
            train_summary["model_uri"] = log_text_generator(paths.generator, vocab_path)
            mlflow.log_metrics(
                {
                    "train_seconds": seconds,
                    "train_samples_per_second": train_summary["samples_per_second"] or 0,
                }
            )
        finally:
            mlflow.end_run()
        write_text_atomic(paths.run_info, json.dumps(train_summary, indent=2))
    return train_summary


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
