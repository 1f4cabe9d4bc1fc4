"""Batch normalization that means the same on one device and on several replicas."""

from __future__ import annotations

from keras import layers


def batch_norm() -> layers.BatchNormalization:
    """Statistics over the global batch: under a strategy with several replicas (built in its
    scope) the layer all-reduces its moments, as one device would compute them over the whole
    batch. Per-replica moments would change the model with the replica count (at 16 replicas
    and batch 64, four rows each). One device keeps Keras' plain (faster) layer."""
    import tensorflow as tf

    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return layers.BatchNormalization(synchronized=replicas > 1)
