"""sensor_msgs/Image and CompressedImage <-> numpy, validated, without cv_bridge.

cv_bridge is not installable without a ROS install, and PyPI's ``cv-bridge`` is a ROS 1 port with
known bugs (wrong 16UC1 mapping, breaks with numpy >= 2.3), so the nodes use this small converter.
It checks every field against the data, because a malformed frame must be rejected with a clear
reason rather than crash the node or silently produce a sheared image. It is the face node's
validator of camera frames: besides the fields, it refuses sizes that MediaPipe cannot take (a side
of SHRT_MAX = 32767 pixels or more makes OpenCV's ``remap`` inside MediaPipe abort the whole
process, measured with 3 x 32767 and 3 x 100000 frames) and aspect ratios beyond
MAX_ASPECT_RATIO (MediaPipe letterboxes a frame to a square, so in a thinner strip a face is a few
pixels high: nothing to find). A compressed image's declared size is checked before it is decoded.
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from emotion_ros.validation.invalid_input import InvalidInput, quoted
from emotion_ros.vision.compressed_header import declared_size

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
MAX_SIDE = 32766  # OpenCV's remap asserts sides < SHRT_MAX (32767)
MAX_ASPECT_RATIO = 16.0  # wider than any panoramic camera strip (8:1)


class ImageConversionError(InvalidInput):
    """The image message cannot be turned into a BGR array; the message says why.

    ``kind`` names the problem (encoding, empty, side_too_long, aspect_ratio, too_large, step,
    length, compressed_format, decode), so a node can report each kind of problem separately.
    """


def check_size(width: int, height: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
    """Refuse a frame size that is empty, that MediaPipe cannot take, or over ``max_pixels``.

    Raises:
        ImageConversionError: ``empty``, ``side_too_long``, ``aspect_ratio`` or ``too_large``.
    """
    if height == 0 or width == 0:
        raise ImageConversionError("empty", f"empty image ({width}x{height})")
    if max(width, height) > MAX_SIDE:
        raise ImageConversionError(
            "side_too_long",
            f"image of {width}x{height}: sides of more than {MAX_SIDE} pixels abort OpenCV "
            "inside MediaPipe",
        )
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ImageConversionError(
            "aspect_ratio",
            f"image of {width}x{height}: aspect ratio beyond {MAX_ASPECT_RATIO:g}:1 (no face "
            "can be found in such a strip)",
        )
    if height * width > max_pixels:
        raise ImageConversionError(
            "too_large",
            f"image of {width}x{height} exceeds the limit of {max_pixels} pixels",
        )


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
        ImageConversionError: unsupported encoding, a size ``check_size`` refuses, a step
            smaller than a row, or a data length that does not equal height * step.
    """
    if image.encoding not in _ENCODINGS:
        raise ImageConversionError(
            "encoding",
            f"unsupported encoding {quoted(image.encoding)}; supported: "
            f"{', '.join(SUPPORTED_ENCODINGS)}",
        )
    check_size(image.width, image.height, max_pixels)
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
    """Decode a CompressedImage payload (JPEG or PNG, what image_transport's ``compressed``
    plugin publishes) to BGR, once its declared size has passed ``check_size``.

    Raises:
        ImageConversionError: empty data, another format, a size ``check_size`` refuses, or data
            that does not decode.
    """
    if len(data) == 0:
        raise ImageConversionError("empty", "empty compressed image")
    data = bytes(data)
    header = declared_size(data)
    if header is None:
        raise ImageConversionError(
            "compressed_format",
            f"not a JPEG or PNG image ({len(data)} bytes starting {data[:8].hex(' ')})",
        )
    _, width, height = header
    check_size(width, height, max_pixels)
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageConversionError(
            "decode", f"cannot decode the compressed {header[0]} image ({len(data)} bytes)"
        )
    check_size(image.shape[1], image.shape[0], max_pixels)
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
