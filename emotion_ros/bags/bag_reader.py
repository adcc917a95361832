"""Reading rosbag2 bags (mcap or sqlite3) with the ``rosbags`` library alone: no ROS needed.

Replay (which then publishes with rclpy) and offline evaluation both read bags through this, so a
bag opens, and fails to open, the same way everywhere. Messages are deserialised with the
definitions stored in the bag when it has them, so bags recorded with older message definitions
stay readable.
"""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from rosbags.highlevel import AnyReader

from emotion_ros.bags.typestore import project_typestore
from emotion_ros.vision.image_conversion import ImageConversionError, message_to_bgr

IMAGE_TYPES = ("sensor_msgs/msg/Image", "sensor_msgs/msg/CompressedImage")


class BagError(RuntimeError):
    """The bag cannot be read (missing, truncated, not a rosbag2 bag); the message says why."""


def open_bag(path: Path) -> AnyReader:
    """Open a bag folder (with metadata.yaml) or a bare .mcap file.

    Raises:
        BagError: with the reason, instead of the library's traceback.
    """
    try:
        reader = AnyReader([Path(path)], default_typestore=project_typestore())
        reader.open()
    except Exception as exc:  # rosbags raises several error types for damaged files
        raise BagError(f"cannot read bag {path}: {exc}") from exc
    return reader


def messages(path: Path, topics: list[str]) -> Iterator[tuple[str, str, object]]:
    """(topic, type, deserialized message) in bag order for ``topics``; stops at damage.

    Damage is reported where the bag is summarised (``evaluation.bag_contents.summarize``); a
    truncated bag yields what was readable.
    """
    reader = open_bag(path)
    try:
        connections = [c for c in reader.connections if c.topic in topics]
        try:
            # rosbags reads every topic for an empty list: nothing wanted means nothing to read
            for connection, _, raw in (
                reader.messages(connections=connections) if connections else ()
            ):
                yield (
                    connection.topic,
                    connection.msgtype,
                    reader.deserialize(raw, connection.msgtype),
                )
        except Exception:  # rosbags raises several error types for a truncated file
            return
    finally:
        reader.close()


def image_frame(path: Path, index: int) -> np.ndarray:
    """The ``index``-th camera image (Image or CompressedImage) of a bag, as BGR.

    Raises:
        BagError: the bag cannot be read, has no image topic, or fewer images.
    """
    reader = open_bag(path)
    try:
        topics = [c.topic for c in reader.connections if c.msgtype in IMAGE_TYPES]
    finally:
        reader.close()
    if not topics:
        raise BagError(f"{path} has no sensor_msgs Image or CompressedImage topic")
    for number, (_, _, msg) in enumerate(messages(path, topics[:1])):
        if number == index:
            try:
                return message_to_bgr(msg)
            except ImageConversionError as exc:
                raise BagError(f"image {index} of {path} cannot be read: {exc}") from exc
    raise BagError(f"{path} has fewer than {index + 1} images on {topics[0]}")
