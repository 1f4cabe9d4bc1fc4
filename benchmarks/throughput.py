"""Training throughput: ganops' trainer vs the TensorFlow DCGAN tutorial's loop, same run.

The baseline re-implements https://www.tensorflow.org/tutorials/generative/dcgan faithfully
(same generator and discriminator, BCE from logits, Adam 1e-4, batch 256, float32, a
``tf.function`` step, ``shuffle(60000).batch(256)`` input). Each variant is built and traced
first; then variants are measured in turn (interleaved, so drift in the shared CPU's load hits
all alike), ``--repeats`` times, and the median images/s is reported with its ratio to the
baseline. The machine's matmul peak (float32 and bfloat16) is measured in the same run, and
each variant's achieved FLOP/s is computed from the models' layer shapes (the usual estimate:
a training pass costs 3x the forward FLOPs; the generator is run once and the discriminator
twice per step); the share of its compute type's matmul peak says how much room is left.
The bfloat16/float32 matmul ratio is the most a lower-precision path can gain on a step that
is compute-bound. XLA is left out on purpose: it is 2-3x slower on this CPU (STACK-NOTES.md).

    python benchmarks/throughput.py --repeats 5 --steps 20
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ganops.environment import configure

configure(Path(__file__).resolve().parents[1])

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

BATCH = 256
NOISE_DIM = 100


def fashion_images(n: int) -> np.ndarray:
    """Real Fashion-MNIST when the project has it, else random uint8 (speed is the same)."""
    try:
        from ganops.data.idx import read_split

        root = Path(__file__).resolve().parents[1]
        images = read_split(root / "data" / "fashion-mnist", "train")[0][:n]
    except Exception:
        images = np.random.default_rng(0).integers(0, 256, (n, 28, 28), dtype=np.uint8)
    return images[..., None]


# --- The tutorial, as published ----------------------------------------------------------


def tutorial_generator() -> keras.Model:
    model = keras.Sequential([keras.Input((NOISE_DIM,))])
    model.add(layers.Dense(7 * 7 * 256, use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Reshape((7, 7, 256)))
    model.add(layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())
    model.add(
        layers.Conv2DTranspose(
            1, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"
        )
    )
    return model


def tutorial_discriminator() -> keras.Model:
    model = keras.Sequential([keras.Input((28, 28, 1))])
    model.add(layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same"))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))
    model.add(layers.Flatten())
    model.add(layers.Dense(1))
    return model


class Tutorial:
    name = "tutorial (float32)"

    def __init__(self, images: np.ndarray) -> None:
        keras.mixed_precision.set_global_policy("float32")
        self.generator = tutorial_generator()
        self.discriminator = tutorial_discriminator()
        self.cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        self.g_opt = keras.optimizers.Adam(1e-4)
        self.d_opt = keras.optimizers.Adam(1e-4)
        data = (images.astype("float32") - 127.5) / 127.5
        self.dataset = tf.data.Dataset.from_tensor_slices(data).shuffle(60000).batch(BATCH)

    @tf.function
    def train_step(self, images: tf.Tensor) -> None:
        noise = tf.random.normal([BATCH, NOISE_DIM])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated = self.generator(noise, training=True)
            real_output = self.discriminator(images, training=True)
            fake_output = self.discriminator(generated, training=True)
            gen_loss = self.cross_entropy(tf.ones_like(fake_output), fake_output)
            disc_loss = self.cross_entropy(
                tf.ones_like(real_output), real_output
            ) + self.cross_entropy(tf.zeros_like(fake_output), fake_output)
        g_vars = self.generator.trainable_variables
        d_vars = self.discriminator.trainable_variables
        self.g_opt.apply_gradients(zip(gen_tape.gradient(gen_loss, g_vars), g_vars, strict=True))
        self.d_opt.apply_gradients(zip(disc_tape.gradient(disc_loss, d_vars), d_vars, strict=True))

    def run(self, steps: int) -> None:
        for batch in self.dataset.take(steps):
            self.train_step(batch)

    compute_dtype = "float32"


# --- ganops ------------------------------------------------------------------------------


# ganops' DCGAN at the tutorial's sizes (its defaults are narrower, with a minibatch-stddev
# layer): the comparison is of the training loop and the compute type, on one model.
TUTORIAL_MODEL = {
    "g_channels": 256,
    "d_channels": 64,
    "kernel_size": 5,
    "improved": {"minibatch": "none"},
}


class Ganops:
    def __init__(self, images: np.ndarray, name: str, **changes: object) -> None:
        from ganops.config import TrainConfig
        from ganops.data.pipeline import ImageBatches
        from ganops.training.trainer import image_trainer

        self.name = name
        config = TrainConfig(batch_size=BATCH, latent_dim=NOISE_DIM, **TUTORIAL_MODEL, **changes)
        self.trainer = image_trainer(config, (28, 28, 1))
        self.compute_dtype = self.trainer.generator.compute_dtype
        self.generator, self.discriminator = self.trainer.generator, self.trainer.discriminator
        keras.mixed_precision.set_global_policy("float32")  # later builds start clean
        self.source = ImageBatches(images, BATCH, seed=0)

    def run(self, steps: int) -> None:
        # As GanTrainer.fit does per step: one step, losses read back (divergence check).
        for batch in self.source(0).take(steps):
            d_loss, g_loss = self.trainer.train_step(batch, True)
            float(d_loss), float(g_loss)


# --- measurement -------------------------------------------------------------------------


def forward_flops(model: keras.Model) -> float:
    """Multiply-add FLOPs (2 per MAC) of one image's forward pass through the weight layers.

    Counted from shapes rather than by TensorFlow's graph profiler, which counts a transposed
    convolution's gradient ops as dense convolutions over the dilated input and so reports
    more FLOP/s than the matmul peak.
    """
    total = 0.0
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
        elif isinstance(layer, layers.Conv2DTranspose):  # every input pixel meets the kernel
            height, width, _ = layer.input.shape[1:]
            total += 2 * height * width * float(np.prod(layer.kernel.shape))
        elif isinstance(layer, layers.Conv2D):  # every output pixel meets the kernel
            height, width, _ = layer.output.shape[1:]
            total += 2 * height * width * float(np.prod(layer.kernel.shape))
    return total


def step_flops_per_image(generator: keras.Model, discriminator: keras.Model) -> float:
    """One image's share of a simultaneous G/D step: G once, D on real and on fake, x3."""
    return 3 * (forward_flops(generator) + 2 * forward_flops(discriminator))


def matmul_gflops(dtype: tf.DType, n: int = 4096, repeats: int = 5) -> float:
    a = tf.random.normal((n, n), dtype=tf.float32)
    a = tf.cast(a, dtype)

    @tf.function
    def product(x: tf.Tensor) -> tf.Tensor:
        return tf.reduce_sum(tf.cast(tf.matmul(x, x), tf.float32))

    product(a).numpy()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        product(a).numpy()
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


def timed(run: Callable[[int], None], steps: int) -> float:
    start = time.perf_counter()
    run(steps)
    return steps * BATCH / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="training steps per measurement")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    images = fashion_images(BATCH * (args.steps + 2))
    variants = [
        Tutorial(images),
        Ganops(images, "ganops float32, no EMA", precision="float32", ema_decay=0.0),
        Ganops(images, "ganops float32 + EMA", precision="float32"),
        Ganops(images, "ganops bf16, no EMA", precision="mixed_bfloat16", ema_decay=0.0),
        Ganops(images, "ganops default (precision auto, EMA)"),
    ]
    for variant in variants:  # trace and warm up
        variant.run(2)
    flops = {v.name: step_flops_per_image(v.generator, v.discriminator) for v in variants}
    peaks = {"float32": matmul_gflops(tf.float32), "bfloat16": matmul_gflops(tf.bfloat16)}
    rates: dict[str, list[float]] = {v.name: [] for v in variants}
    for _ in range(args.repeats):
        for variant in variants:
            rates[variant.name].append(timed(variant.run, args.steps))
    peaks_after = {"float32": matmul_gflops(tf.float32), "bfloat16": matmul_gflops(tf.bfloat16)}
    baseline = statistics.median(rates[variants[0].name])
    # Best of the repeats too: on a virtual machine a step sometimes stalls to a whole
    # timer period (runs then read exactly 250 or 500 img/s), which can move a median.
    baseline_best = max(rates[variants[0].name])
    rows = []
    for variant in variants:
        median = statistics.median(rates[variant.name])
        gflops = median * flops[variant.name] / 1e9
        peak = peaks["bfloat16" if variant.compute_dtype == "bfloat16" else "float32"]
        rows.append(
            {
                "variant": variant.name,
                "images_per_s": round(median, 1),
                "min": round(min(rates[variant.name]), 1),
                "max": round(max(rates[variant.name]), 1),
                "ratio": round(median / baseline, 2),
                "ratio_best": round(max(rates[variant.name]) / baseline_best, 2),
                "compute_dtype": variant.compute_dtype,
                "step_gflop_per_image": round(flops[variant.name] / 1e9, 3),
                "gflop_per_s": round(gflops, 1),
                "share_of_matmul_peak": round(gflops / peak, 2),
            }
        )
    ceiling = peaks["bfloat16"] / peaks["float32"]
    print(f"matmul 4096^2 GFLOP/s before: {peaks}, after: {peaks_after}")
    print(f"bfloat16/float32 matmul: {ceiling:.2f}x (the most lower precision can gain)")
    print(
        f"{'variant':40s} {'img/s':>8s} {'min':>8s} {'max':>8s} {'ratio':>6s} "
        f"{'best':>6s} {'GFLOP/s':>8s} {'of peak':>8s}"
    )
    for row in rows:
        print(
            f"{row['variant']:40s} {row['images_per_s']:8.1f} {row['min']:8.1f} "
            f"{row['max']:8.1f} {row['ratio']:6.2f} {row['ratio_best']:6.2f} "
            f"{row['gflop_per_s']:8.1f} "
            f"{row['share_of_matmul_peak']:8.0%}"
        )
    if args.json:
        args.json.write_text(json.dumps({"matmul": [peaks, peaks_after], "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
