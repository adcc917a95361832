"""Which of a bag's topics are inputs of the graph (camera frames, audio), and which are not.

``emotion-ros replay`` plays only the inputs by default: a bag recorded from a running graph also
holds its outputs (``emotion``, ``emotion/array``, ``faces/*``), and replaying those into a live
graph would mix the old emotions with the ones the graph computes now.
"""

from collections.abc import Mapping

INPUT_TYPES = frozenset({
    "sensor_msgs/msg/Image",
    "sensor_msgs/msg/CompressedImage",
    "audio_common_msgs/msg/AudioData",
    "audio_common_msgs/msg/AudioDataStamped",
    "audio_common_msgs/msg/AudioInfo",
})  # fmt: skip
# Images the graph publishes itself (face_node's faces/crops, overlay_node's emotion/debug_image),
# in any namespace: outputs.
OUTPUT_IMAGE_PREFIXES = ("/faces/", "/emotion/")


def is_input(topic: str, msgtype: str) -> bool:
    """True for camera and audio topics, but for the images the graph publishes."""
    name = "/" + topic.lstrip("/")
    return msgtype in INPUT_TYPES and not any(p in name for p in OUTPUT_IMAGE_PREFIXES)


def split_inputs(topics: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """``{topic: type}`` -> (input topics, other topics), each in the given order."""
    inputs = [topic for topic, msgtype in topics.items() if is_input(topic, msgtype)]
    return inputs, [topic for topic in topics if topic not in inputs]
