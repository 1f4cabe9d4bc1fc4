"""Data: raw sources (IDX files), the prepare step, and the tf.data input pipeline."""
