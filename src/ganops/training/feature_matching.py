"""Feature matching (Salimans et al. 2016, section 3.1): a generator objective that asks the
mean of an intermediate discriminator layer to be the same on generated and real batches.

The generator no longer tries to fool the current discriminator (which it can overshoot) but
to reproduce the statistics the discriminator finds worth computing on real data.
"""

from __future__ import annotations

import tensorflow as tf


def feature_matching_loss(real_features: tf.Tensor, fake_features: tf.Tensor) -> tf.Tensor:
    """Mean over feature dimensions of (E[f(x)] - E[f(G(z))])^2, in float32.

    The paper writes the squared L2 norm; dividing by the number of dimensions keeps one weight
    meaningful across layer widths (6,272 features at 28 px with the default DCGAN, more at
    64 px). Real features carry no gradient: only the generator minimises this.
    """
    real = tf.reshape(
        tf.cast(tf.stop_gradient(real_features), tf.float32), [tf.shape(real_features)[0], -1]
    )
    fake = tf.reshape(tf.cast(fake_features, tf.float32), [tf.shape(fake_features)[0], -1])
    difference = tf.reduce_mean(real, axis=0) - tf.reduce_mean(fake, axis=0)
    return tf.reduce_mean(tf.square(difference))
