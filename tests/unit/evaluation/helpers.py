"""Small Keras generators shared by the evaluation tests: unconditional (input z) and
conditional (inputs z and a class label)."""

from __future__ import annotations

LATENT, CLASSES = 6, 3


def unconditional_generator():
    import keras

    z = keras.Input((LATENT,), name="z")
    x = keras.layers.Dense(8 * 8, activation="tanh")(z)
    return keras.Model(z, keras.layers.Reshape((8, 8, 1))(x))


def conditional_generator(one_hot: bool = False, label_first: bool = False):
    """Output pixel value encodes the class, so tests can read the label back."""
    import keras

    z = keras.Input((LATENT,), name="z")
    if one_hot:
        label = keras.Input((CLASSES,), name="label")
        code = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")(
            keras.layers.Multiply()([label, keras.ops.arange(CLASSES, dtype="float32")[None]])
        )
    else:
        label = keras.Input((1,), dtype="int32", name="label")
        code = keras.layers.Flatten()(
            keras.layers.Embedding(CLASSES, 1, embeddings_initializer="zeros")(label)
        )
        code = keras.layers.Lambda(lambda c: c * 0.0)(code) + keras.ops.cast(label, "float32")
    x = keras.layers.Dense(16, use_bias=False)(z) * 0.0 + code / CLASSES
    image = keras.layers.Reshape((4, 4, 1))(x)
    inputs = [label, z] if label_first else [z, label]
    return keras.Model(inputs, image)
