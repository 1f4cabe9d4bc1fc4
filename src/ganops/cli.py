"""``ganops``: the command line. A thin shell over ``ganops.stages``; ``dvc.yaml`` runs it.

User errors (``GanopsError``) print a message and a hint and exit with status 2, without a
traceback. Help and parameter validation never import TensorFlow.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path
from typing import Any

from ganops.errors import GanopsError

EXIT_USER_ERROR = 2
# Disk full, quota, read-only file system, permission: the user's environment, not a bug.
WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ganops", description="Train, evaluate and register GANs (DVC + MLflow + Prefect)."
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
    commands.add_parser(
        "import-data",
        parents=[common],
        help="fetch data/ from the DVC remote, or import and pin it",
    )
    for name, text in (
        ("prepare", "read the raw data into arrays"),
        ("classifier", "train the domain classifier of the evaluation metrics"),
        ("train", "train the GAN and log it to MLflow"),
        ("evaluate", "measure sample quality, write metrics.json"),
        ("register", "register the generator; move aliases through the quality gate"),
        ("pipeline", "every stage above, in one process"),
    ):
        commands.add_parser(name, parents=[common], help=text)
    sample = commands.add_parser(
        "sample", help="sample images (a PNG grid) or text (printed) from a registered generator"
    )
    sample.add_argument("uri", help="e.g. models:/ganops-fashion-mnist@champion")
    sample.add_argument("-n", type=int, default=64, help="number of images")
    sample.add_argument("--seed", type=int, default=0, help="first seed")
    sample.add_argument("-o", "--output", default="samples.png", help="PNG grid to write")
    return parser


def _run(args: argparse.Namespace) -> Any:
    from ganops.environment import configure

    root = configure()
    if args.command == "sample":
        return _sample(args)
    if args.command == "params" and args.markdown:
        from ganops.params_doc import parameters_markdown

        print(parameters_markdown(), end="")
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

    if args.command == "pipeline":
        return stages.run_pipeline(config, paths, root)
    return stages.STAGES[args.command](config, paths, root)


def _sample(args: argparse.Namespace) -> dict[str, Any] | None:
    from ganops.evaluation.pictures import save_grid
    from ganops.sampling import load_generator

    if args.n < 1:
        raise GanopsError(f"-n must be at least 1 (got {args.n})")
    generator = load_generator(args.uri)
    images = generator.sample(args.n, args.seed)
    if images.dtype == object:  # a text generator: one string per seed, printed
        print("\n".join(str(text) for text in images.ravel()))
        return None
    path = save_grid(images * 2.0 - 1.0, Path(args.output))
    return {"uri": args.uri, "images": len(images), "output": str(path)}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
    except KeyboardInterrupt:
        print(
            "interrupted; rerun the same command to resume from the last checkpoint",
            file=sys.stderr,
        )
        return 130
    if result is not None:
        print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
