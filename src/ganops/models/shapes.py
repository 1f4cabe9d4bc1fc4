"""Image shapes the generators can make (no TensorFlow here: the configuration checks them).

Generators upsample from a small square (7x7 for 28 px, 8x8 for 32 and 64 px) by stride-2
steps to exactly the image size; discriminators downsample by as many steps.
"""

from __future__ import annotations

from ganops.errors import ConfigError

IMAGE_SIZES = (28, 32, 64)


def upsampling_steps(size: int) -> int:
    """Number of stride-2 layers between the first feature map and the image."""
    if size not in IMAGE_SIZES:
        raise ConfigError(
            f"image size {size} cannot be generated",
            hint=f"allowed sizes: {', '.join(map(str, IMAGE_SIZES))}",
        )
    return 2 if size <= 32 else 3
