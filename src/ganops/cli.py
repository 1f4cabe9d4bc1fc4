"""``ganops``: the command line. A thin shell over the stage graph (``ganops.stages``), which
``dvc.yaml`` runs too.

User errors (``GanopsError``) print a message and a hint and exit with status 2, without a
traceback. Help, ``--version`` and parameter validation never import TensorFlow.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from ganops import __version__, stopping
from ganops.errors import GanopsError

EXIT_USER_ERROR = 2
# Disk full, quota, read-only file system, permission: the user's environment, not a bug.
WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _command(argv: list[str]) -> str | None:
    """The subcommand named on the command line (its first word that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


def _parser(with_stages: bool = True) -> argparse.ArgumentParser:
    """``with_stages=False`` leaves the stage subcommands out: building them imports the
    config schema (pydantic, ~0.1-0.8 s), which ``ganops sample`` does not need."""
    graph: tuple[Any, ...] = ()
    pipelines: tuple[Any, ...] = ()
    if with_stages:
        from ganops.pipeline_files import PIPELINES
        from ganops.stages import STAGES  # the schema and the graph; no TensorFlow

        graph, pipelines = tuple(STAGES), tuple(PIPELINES)

    parser = argparse.ArgumentParser(
        prog="ganops", description="Train, evaluate and register GANs (DVC + MLflow + Prefect)."
    )
    parser.add_argument("--version", action="version", version=f"ganops {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="debug messages (with times and sources)"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--params", default="params.yaml", help="parameters file")
    common.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter, e.g. train.epochs=3",
    )
    common.add_argument("--out", default="artifacts", help="output folder of the stages")
    commands = parser.add_subparsers(dest="command", required=True)
    params = commands.add_parser(
        "params", parents=[common], help="validate and print the parameters"
    )
    params.add_argument(
        "--markdown",
        action="store_true",
        help="print the parameter reference (docs/parameters.md) instead",
    )
    stages = commands.add_parser("stages", help="print the stage graph")
    if pipelines:
        stages.add_argument(
            "--dvc-yaml",
            nargs="?",
            const=pipelines[0].name,
            choices=[pipeline.name for pipeline in pipelines],
            help="print a pipeline's dvc.yaml, rendered from the stage graph: "
            + ", ".join(f"{p.name} -> {p.dvc_file}" for p in pipelines),
        )
    commands.add_parser(
        "import-data",
        parents=[common],
        help="fetch data/ from the DVC remote, or import and pin it",
    )
    for stage in graph:
        commands.add_parser(stage.name, parents=[common], help=stage.help)
    commands.add_parser("pipeline", parents=[common], help="every stage above, in one process")
    promote = commands.add_parser(
        "promote",
        parents=[common],
        help="move alias champion to a registered version if it passes the quality gate "
        "(e.g. one that `dvc exp run` registered as a candidate)",
    )
    promote.add_argument(
        "model", nargs="?", help="registered model (default: the last one --out registered)"
    )
    promote.add_argument("version", nargs="?", help="its version number")
    promote.add_argument(
        "--force",
        action="store_true",
        help="move champion even if the gate refuses (a deliberate rollback)",
    )
    commands.add_parser(
        "summary", parents=[common], help="the last run in a few lines: metrics beside floors"
    )
    sample = commands.add_parser(
        "sample", help="sample images (a PNG grid) or text (printed) from a registered generator"
    )
    sample.add_argument("uri", help="e.g. models:/ganops-fashion-mnist@champion")
    sample.add_argument("-n", type=int, default=64, help="number of samples")
    sample.add_argument("--seed", type=int, default=0, help="first seed")
    sample.add_argument("-o", "--output", default="samples.png", help="PNG grid to write")
    return parser


def configure_logging(verbose: bool) -> None:
    """ganops' own messages (epoch summaries, the classifier, gate decisions) on stderr;
    stdout carries the command's JSON result."""
    handler = logging.StreamHandler(sys.stderr)
    layout = "%(asctime)s %(levelname)s %(name)s: %(message)s" if verbose else "%(message)s"
    handler.setFormatter(logging.Formatter(layout, "%H:%M:%S"))
    logger = logging.getLogger("ganops")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _run(args: argparse.Namespace) -> Any:
    from ganops.environment import configure

    root = configure()
    if args.command == "sample":
        return _sample(args)
    if args.command == "params" and args.markdown:
        from ganops.params_doc import parameters_markdown

        print(parameters_markdown(), end="")
        return None
    if args.command == "stages":
        from ganops.pipeline_files import dvc_yaml, stage_table

        print(dvc_yaml(args.dvc_yaml) if args.dvc_yaml else stage_table(), end="")
        return None
    from ganops.config import parse_override
    from ganops.runspec import RunSpec

    overrides = dict(parse_override(text) for text in args.overrides)
    config, paths, root = RunSpec(args.params, overrides, args.out, str(root)).load()
    if args.command == "params":
        return config.model_dump(mode="json")
    if args.command == "import-data":
        from ganops.data.versioning import ensure_data

        return {"data": ensure_data(root)}

    from ganops import stages

    if args.command == "summary":
        print(stages.terminal_summary(config, paths), end="")
        return None
    if args.command == "promote":
        if args.model is not None and args.version is None:
            raise GanopsError(
                f"promote: which version of {args.model}?",
                hint=f"ganops promote {args.model} VERSION, or ganops promote --out FOLDER "
                "for the version that pipeline registered last",
            )
        return stages.promote(config, paths, root, args.model, args.version, args.force)
    from ganops.environment import import_tensorflow_quietly

    import_tensorflow_quietly()
    if args.command == "pipeline":
        return stages.run_pipeline(config, paths, root)
    return stages.stage_named(args.command)(config, paths, root)


def _sample(args: argparse.Namespace) -> dict[str, Any] | None:
    # TensorFlow is not imported here: the model's light copy samples without it, and the
    # served model imports it (quietly) only when it falls back to the Keras generator.
    from ganops.sampling import load_generator

    if args.n < 1:
        raise GanopsError(f"-n must be at least 1 (got {args.n})")
    generator = load_generator(args.uri)
    samples = generator.sample(args.n, args.seed)
    result = generator.modality.write_samples(samples, Path(args.output))
    return None if result is None else {**result, "runtime": generator.runtime}


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    args = _parser(with_stages=_command(words) != "sample").parse_args(argv)
    configure_logging(args.verbose)
    stopping.install()
    try:
        result = _run(args)
    except GanopsError as error:
        print(f"error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as error:
        if error.errno not in WRITE_ERRORS:
            raise
        print(
            f"error: cannot write {error.filename or 'an output'}: {error.strerror}",
            file=sys.stderr,
        )
        print(
            "hint: free disk space or choose a writable --out folder; completed outputs "
            "were written atomically and are intact",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    except KeyboardInterrupt as stop:
        name = getattr(stop, "signal_name", "SIGINT")
        print(
            f"stopped by {name}; rerun the same command to resume from the last checkpoint",
            file=sys.stderr,
        )
        return 128 + signal.Signals[name].value
    if result is not None:
        print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
