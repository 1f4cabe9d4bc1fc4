"""``train.strategy`` -> a ``tf.distribute.Strategy``.

Build the models and the trainer inside ``strategy.scope()`` so variables are mirrored; the
trainer picks the strategy up from that scope. ``auto`` mirrors over several GPUs, uses the
multi-worker strategy when ``TF_CONFIG`` describes a cluster, and otherwise the default
(no-op) strategy, which keeps the single-device path free of any distribution overhead.
"""

from __future__ import annotations

import json
import os

import tensorflow as tf


def resolve_strategy(name: str) -> tf.distribute.Strategy:
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
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"unknown strategy {name!r}")
