"""Register the deployments against a Prefect work pool, for workers to run (docs/scaling.md).

    prefect work-pool create ganops --type process          # once per Prefect server
    python flows/deploy.py --pool ganops [image-gan text-gan]
    prefect worker start --pool ganops                       # on each worker host

Needs ``PREFECT_API_URL``. The alternative to ``flows/serve.py``: the same flows, forms and
deployment names (``serve.DEPLOYMENTS``), but each run is started by whichever worker of the
pool picks it up, under the pool's concurrency limit. A deployment made from a local folder
tells its workers to run the flow from that folder: every worker host needs the checkout (and
its ``.venv``) at the same path, or pass ``--source`` with the path the workers use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL
from serve import DEPLOYMENTS  # flows/ is on sys.path when this file runs as a script

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "src"))  # run from a checkout without installing, too

from ganops.cli import EXIT_USER_ERROR  # noqa: E402
from ganops.errors import EnvironmentSetupError, GanopsError  # noqa: E402

# Applied to every run of the deployment, whatever the worker's own environment: ganops' log
# lines (epoch progress, gate decisions) go to the run's log in the UI, as in served runs.
JOB_ENV = {"PREFECT_LOGGING_EXTRA_LOGGERS": "ganops"}


def check_pool(pool: str) -> None:
    """Refuse, before the flow is loaded (seconds), a pool that is missing or whose workers
    would not run a flow from a local folder."""
    try:
        with get_client(sync_client=True) as client:
            found = client.read_work_pool(pool)
    except ObjectNotFound:
        raise EnvironmentSetupError(
            f"there is no work pool {pool!r}",
            hint=f"create it: prefect work-pool create {pool} --type process",
        ) from None
    except httpx.HTTPError as error:
        raise EnvironmentSetupError(
            f"cannot reach the Prefect API at {PREFECT_API_URL.value()} ({error})",
            hint="start the server, or point PREFECT_API_URL at it",
        ) from None
    if found.type != "process":
        raise EnvironmentSetupError(
            f"work pool {pool!r} is of type {found.type!r}, not process",
            hint="these deployments run from a checkout on the worker host: use a process pool",
        )


def deploy(pool: str, name: str, source: Path) -> str:
    """Register deployment ``name`` (a key of ``DEPLOYMENTS``) on ``pool``; its id."""
    module, function = DEPLOYMENTS[name].split(":")
    # The entrypoint names the flow's own module, not stage_tasks.py where the factory that
    # builds the flow function lives (Prefect would look for the function there).
    loaded = flow.from_source(source=str(source), entrypoint=f"flows/{module}.py:{function}")
    return str(
        loaded.deploy(
            name=name,
            work_pool_name=pool,
            job_variables={"env": JOB_ENV},
            print_next_steps=False,
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", required=True, help="an existing work pool (type process)")
    parser.add_argument(
        "--source",
        type=Path,
        default=PROJECT_ROOT,
        help="the checkout's path on the worker hosts (default: this checkout)",
    )
    parser.add_argument("names", nargs="*", help=f"of {', '.join(DEPLOYMENTS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(DEPLOYMENTS))
    if unknown:
        parser.error(
            f"no deployment named {', '.join(unknown)}; choose from {', '.join(DEPLOYMENTS)}"
        )
    try:
        check_pool(args.pool)
    except GanopsError as error:
        print(f"error: {error.message}\nhint: {error.hint}", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR) from None
    for name in args.names or list(DEPLOYMENTS):
        deploy(args.pool, name, args.source.resolve())
        print(f"deployed {name} on work pool {args.pool!r} (runs from {args.source.resolve()})")


if __name__ == "__main__":
    main()
