"""``train.strategy`` -> a ``tf.distribute.Strategy``, and what several workers must agree on.

Build the models and the trainer inside ``strategy.scope()`` so variables are mirrored; the
trainer picks the strategy up from that scope. ``auto`` mirrors over several GPUs, uses the
multi-worker strategy when ``TF_CONFIG`` describes a cluster, and otherwise the default
(no-op) strategy, which keeps the single-device path free of any distribution overhead.

Several workers (``multi_worker``): every host runs the same ``ganops train`` command with its
own ``TF_CONFIG`` (docs/scaling.md). The strategy must exist before any other TensorFlow op of
the process (it configures the collective ops of the runtime), so the train stage resolves it
first; it is made once per process and reused. Each worker reads its own rows of every global
batch through ``distribute_datasets_from_function`` (``replica_batches``); only the chief
writes (``is_chief``); decisions that steer the loop (where training resumes, the clock of
``train.max_seconds``) are agreed over the collective ops, or the workers would wait for each
other forever.
"""

from __future__ import annotations

import json
import os

import tensorflow as tf

_MULTI_WORKER: tf.distribute.Strategy | None = None


def resolve_strategy(name: str) -> tf.distribute.Strategy:
    global _MULTI_WORKER
    if name == "auto":
        if json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster"):
            name = "multi_worker"
        elif len(tf.config.list_logical_devices("GPU")) > 1:
            name = "mirrored"
        else:
            name = "default"
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":  # all local GPUs, or the CPU when there is none
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":
        # TensorFlow allows one per process (the collective ops are configured once).
        if _MULTI_WORKER is None:
            _MULTI_WORKER = tf.distribute.MultiWorkerMirroredStrategy(
                communication_options=tf.distribute.experimental.CommunicationOptions(
                    implementation=_collective_implementation()
                )
            )
        return _MULTI_WORKER
    raise ValueError(f"unknown strategy {name!r}")


def _collective_implementation() -> tf.distribute.experimental.CommunicationImplementation:
    """NCCL between GPUs, RING (gRPC) between CPUs: named, not AUTO, so the tested CPU path
    is the one a CPU cluster runs. Listing physical devices does not start the runtime."""
    implementations = tf.distribute.experimental.CommunicationImplementation
    return implementations.NCCL if tf.config.list_physical_devices("GPU") else implementations.RING


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes (checkpoints, samples, MLflow, the model): always outside
    a cluster; in one, the ``chief`` task, else worker 0."""
    return bool(strategy.extended.should_checkpoint)


def worker_count(strategy: tf.distribute.Strategy) -> int:
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None:
        return 1
    jobs = resolver.cluster_spec().as_dict()
    return sum(len(jobs.get(job, [])) for job in ("chief", "worker")) or 1


def task_name(strategy: tf.distribute.Strategy) -> str:
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or resolver.task_type is None:
        return "local"
    return f"{resolver.task_type}:{resolver.task_id}"


def across_workers(strategy: tf.distribute.Strategy, value: float) -> list[float]:
    """Every replica's ``value`` in the cluster (each worker passes its own), in replica order.

    A collective (an all-gather): every worker must call it at the same point, which also
    makes it a barrier.
    """
    per_replica = strategy.run(lambda: tf.constant([value], tf.float64))
    return [float(v) for v in strategy.gather(per_replica, axis=0).numpy()]


def barrier(strategy: tf.distribute.Strategy) -> None:
    """Return when every worker got here (no-op outside a cluster)."""
    if worker_count(strategy) > 1:
        across_workers(strategy, 1.0)


def replica_batches(
    global_batches: tf.data.Dataset, context: tf.distribute.InputContext, global_batch: int
) -> tf.data.Dataset:
    """This input pipeline's share of ``global_batches`` (what one process would train on),
    as the per-replica batches ``distribute_datasets_from_function`` expects.

    Replica g (``replica_id_in_sync_group``) gets rows [g*b, (g+1)*b) of every global batch,
    b = global_batch / replicas, so the replicas together see exactly the single-process batch
    and a run matches one device (and can resume on another cluster size). Pipeline w holds
    replicas w*L .. w*L+L-1 (L per worker), and the strategy hands a pipeline's consecutive
    elements to its local replicas in order.
    """
    per_replica = context.get_per_replica_batch_size(global_batch)  # refuses uneven splits
    local = context.num_replicas_in_sync // context.num_input_pipelines
    pieces = global_batches.rebatch(per_replica * local)  # one piece per pipeline, in order
    mine = pieces.shard(context.num_input_pipelines, context.input_pipeline_id)
    return mine.rebatch(per_replica)
