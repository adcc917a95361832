"""Subscribes a node to audio_common audio the way the audio node reads it.

``audio_stamped`` (AudioDataStamped) or, with ``use_stamped: false``, ``audio`` (AudioData, stamped
on arrival) plus the latched ``audio_info``; until an AudioInfo arrives the node's
``sample_format``, ``sample_rate`` and ``channels`` parameters describe the bytes. Each chunk goes
to ``on_chunk(data, info, stamp_ns, frame_id)``.
"""

from collections.abc import Callable, Mapping
from typing import Any

from audio_common_msgs.msg import AudioData, AudioDataStamped, AudioInfo
from rclpy.node import Node

from emotion_ros.ros.qos import latched_qos, sensor_qos_from_parameter
from emotion_ros.timestamps import stamp_to_ns

ChunkCallback = Callable[[bytes, AudioInfo, int, str], None]


class AudioInput:
    """The subscriptions, and the stream format in effect (``info``)."""

    def __init__(self, node: Node, parameters: Mapping[str, Any], on_chunk: ChunkCallback):
        self._node = node
        self._on_chunk = on_chunk
        self.info = AudioInfo(
            channels=parameters["channels"],
            sample_rate=parameters["sample_rate"],
            sample_format=parameters["sample_format"],
        )
        node.create_subscription(AudioInfo, "audio_info", self._on_info, latched_qos())
        qos = sensor_qos_from_parameter(parameters["reliability"], parameters["qos_depth"])
        if parameters["use_stamped"]:
            node.create_subscription(AudioDataStamped, "audio_stamped", self._on_stamped, qos)
        else:
            node.create_subscription(AudioData, "audio", self._on_plain, qos)

    def _on_info(self, msg: AudioInfo) -> None:
        current = (self.info.channels, self.info.sample_rate, self.info.sample_format)
        if (msg.channels, msg.sample_rate, msg.sample_format) != current:
            self._node.get_logger().info(
                f"audio format: {msg.sample_format}, {msg.channels} channel(s), "
                f"{msg.sample_rate} Hz"
            )
        self.info = msg

    def _on_stamped(self, msg: AudioDataStamped) -> None:
        self._on_chunk(
            bytes(msg.audio.data), self.info, stamp_to_ns(msg.header.stamp), msg.header.frame_id
        )

    def _on_plain(self, msg: AudioData) -> None:
        """AudioData has no stamp: the arrival time stands in for the capture time."""
        self._on_chunk(bytes(msg.data), self.info, self._node.get_clock().now().nanoseconds, "")
