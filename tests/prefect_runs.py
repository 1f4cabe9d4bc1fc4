"""Trigger deployment runs as the UI does, at once, wait for them, print what the UI shows.

    python tests/prefect_runs.py '{"deployment": "image-gan/image-gan", "runs": [{...}, ...]}'

Run in a subprocess with the test's PREFECT_API_URL. Prints one JSON line: per run either
``{"refused": message}`` (the server rejected the parameters: no run created) or its final
state, message, name, artifacts (key -> data), log messages, task runs, the work pool that ran
it (null for served runs) and its start and end times (ISO 8601).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound


async def create(deployment: str, parameters: dict, deadline: float) -> Any:
    while True:  # a served deployment registers itself a few seconds after start
        try:
            return await run_deployment(deployment, parameters=parameters, timeout=0)
        except ObjectNotFound:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(2)
        except Exception as error:  # the server refused the parameters
            return str(error)


async def outcome(client: Any, run_id: Any, deadline: float) -> dict[str, Any]:
    while True:
        run = await client.read_flow_run(run_id)
        if run.state and run.state.is_final():
            break
        if time.monotonic() > deadline:
            return {"state": "TIMEOUT", "name": run.name}
        await asyncio.sleep(2)
    artifacts = await client.read_artifacts(
        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
    )
    logs = await client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    this_run = FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
    tasks = await client.read_task_runs(flow_run_filter=this_run)
    return {
        "state": run.state.type.value,
        "message": run.state.message,
        "name": run.name,
        "artifacts": {a.key: a.data for a in artifacts if a.key},
        "logs": [log.message for log in logs],
        "task_runs": sorted(task.name for task in tasks),
        "attempts": {task.name: task.run_count for task in tasks},
        "work_pool": run.work_pool_name,
        "start_time": run.start_time.isoformat() if run.start_time else None,
        "end_time": run.end_time.isoformat() if run.end_time else None,
    }


async def main(spec: dict) -> list[dict]:
    deadline = time.monotonic() + spec.get("timeout", 900)
    created = [await create(spec["deployment"], p, deadline) for p in spec["runs"]]
    async with get_client() as client:
        results = []
        for run in created:
            if isinstance(run, str):
                results.append({"refused": run})
            else:
                results.append(await outcome(client, run.id, deadline))
        return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
