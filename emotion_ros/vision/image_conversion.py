"""sensor_msgs/Image and CompressedImage <-> numpy, validated, without cv_bridge.

cv_bridge is not installable without a ROS install, and PyPI's ``cv-bridge`` is a ROS 1 port with
known bugs (wrong 16UC1 mapping, breaks with numpy >= 2.3), so the nodes use this small converter.
It checks every field against the data, because a malformed frame must be rejected with a clear
reason rather than crash the node or silently produce a sheared image.
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

# encoding -> (channels, conversion to BGR or None when already BGR)
_ENCODINGS: dict[str, tuple[int, int | None]] = {
    "bgr8": (3, None),
    "rgb8": (3, cv2.COLOR_RGB2BGR),
    "bgra8": (4, cv2.COLOR_BGRA2BGR),
    "rgba8": (4, cv2.COLOR_RGBA2BGR),
    "mono8": (1, cv2.COLOR_GRAY2BGR),
}
SUPPORTED_ENCODINGS = tuple(_ENCODINGS)
DEFAULT_MAX_PIXELS = 4096 * 4096  # 16.8 MP: 4K frames pass, 8K frames (33 MP) are refused


class ImageConversionError(ValueError):
    """The image message cannot be turned into a BGR array; the message says why.

    ``kind`` names the problem (encoding, empty, too_large, step, length, decode), so a node can
    report each kind of problem separately.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class ImageFields:
    """The fields of a sensor_msgs/Image that matter for conversion."""

    encoding: str
    height: int
    width: int
    step: int
    data: bytes | bytearray | memoryview
    is_bigendian: int = 0


def image_to_bgr(image: ImageFields, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Return the image as a contiguous (H, W, 3) uint8 BGR array.

    Raises:
        ImageConversionError: unsupported encoding, empty or too large image, a step smaller than
            a row, or a data length that does not equal height * step.
    """
    if image.encoding not in _ENCODINGS:
        raise ImageConversionError(
            "encoding",
            f"unsupported encoding {image.encoding!r}; supported: {', '.join(SUPPORTED_ENCODINGS)}",
        )
    if image.height == 0 or image.width == 0:
        raise ImageConversionError("empty", f"empty image ({image.width}x{image.height})")
    if image.height * image.width > max_pixels:
        raise ImageConversionError(
            "too_large",
            f"image of {image.width}x{image.height} exceeds the limit of {max_pixels} pixels",
        )
    channels, conversion = _ENCODINGS[image.encoding]
    row_bytes = image.width * channels
    if image.step < row_bytes:
        raise ImageConversionError(
            "step",
            f"step {image.step} is smaller than a row of {image.width} {image.encoding} pixels "
            f"({row_bytes} bytes)",
        )
    if len(image.data) != image.height * image.step:
        raise ImageConversionError(
            "length",
            f"data has {len(image.data)} bytes, expected height*step = "
            f"{image.height}*{image.step} = {image.height * image.step}",
        )
    rows = np.frombuffer(image.data, dtype=np.uint8).reshape(image.height, image.step)
    pixels = rows[:, :row_bytes].reshape(image.height, image.width, channels)
    if conversion is None:
        return np.ascontiguousarray(pixels)
    return cv2.cvtColor(pixels, conversion)


def compressed_to_bgr(
    data: bytes | bytearray | memoryview, max_pixels: int = DEFAULT_MAX_PIXELS
) -> np.ndarray:
    """Decode a CompressedImage payload (jpeg/png) to BGR.

    Raises:
        ImageConversionError: empty or undecodable data, or an image over ``max_pixels``.
    """
    if len(data) == 0:
        raise ImageConversionError("empty", "empty compressed image")
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageConversionError(
            "decode", f"cannot decode the compressed image ({len(data)} bytes)"
        )
    if image.shape[0] * image.shape[1] > max_pixels:
        raise ImageConversionError(
            "too_large",
            f"image of {image.shape[1]}x{image.shape[0]} exceeds the limit of {max_pixels} pixels",
        )
    return image


def message_to_bgr(msg: Any, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """A ``sensor_msgs/Image`` or ``CompressedImage`` as BGR, whoever made the message object
    (rclpy, or rosbags reading a bag): an Image has an ``encoding``, a CompressedImage does not.

    Raises:
        ImageConversionError: see ``image_to_bgr`` and ``compressed_to_bgr``.
    """
    if not hasattr(msg, "encoding"):
        return compressed_to_bgr(msg.data, max_pixels)
    fields = ImageFields(msg.encoding, msg.height, msg.width, msg.step, msg.data)
    return image_to_bgr(fields, max_pixels)


def bgr_to_fields(image_bgr: np.ndarray) -> ImageFields:
    """Return Image fields (bgr8) for a (H, W, 3) uint8 array, for publishing."""
    if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
        raise ImageConversionError(
            "encoding", f"expected (H, W, 3) uint8 BGR, got {image_bgr.shape}"
        )
    height, width = image_bgr.shape[:2]
    return ImageFields("bgr8", height, width, width * 3, np.ascontiguousarray(image_bgr).tobytes())


def bgr_to_jpeg(image_bgr: np.ndarray, quality: int) -> bytes:
    """JPEG bytes of a BGR image (the payload of a ``CompressedImage`` with format "jpeg")."""
    ok, encoded = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ImageConversionError("encode", f"cannot encode a {image_bgr.shape} image as JPEG")
    return encoded.tobytes()
