"""BGR arrays -> ``sensor_msgs/Image`` for publishing (camera frames, face crops, overlays), and
Image -> JPEG ``CompressedImage`` for recording.

Reading image messages is ROS-free (``vision.image_conversion.message_to_bgr``); only building
them needs the rclpy message class.
"""

import numpy as np
from builtin_interfaces.msg import Time
from sensor_msgs.msg import CompressedImage, Image

from emotion_ros.vision.image_conversion import bgr_to_fields, bgr_to_jpeg, message_to_bgr


def image_message(image_bgr: np.ndarray, stamp: Time, frame_id: str) -> Image:
    """A bgr8 Image of ``image_bgr`` with the given stamp and frame."""
    fields = bgr_to_fields(image_bgr)
    msg = Image(
        height=fields.height, width=fields.width, encoding=fields.encoding, step=fields.step
    )
    msg.header.stamp = stamp
    msg.header.frame_id = frame_id
    msg.data = fields.data
    return msg


def compressed_message(image: Image, quality: int) -> CompressedImage:
    """``image`` as a JPEG CompressedImage with the same header (what image_transport's
    ``compressed`` plugin publishes on ``<topic>/compressed``).

    Raises:
        ImageConversionError: an image that cannot be read or encoded.
    """
    data = bgr_to_jpeg(message_to_bgr(image), quality)
    return CompressedImage(header=image.header, format="jpeg", data=data)
