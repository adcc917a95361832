"""The three topics of audio_common's capture node, shared by the microphone and file sources.

``audio_stamped`` (AudioDataStamped), ``audio`` (AudioData) and ``audio_info`` (AudioInfo,
transient local so that late subscribers still learn the format), with the same names and layout
as ros-drivers/audio_common, so either source can stand in for its capture node.
"""

from audio_common_msgs.msg import AudioData, AudioDataStamped, AudioInfo
from rclpy.node import Node

from emotion_ros.ros.qos import latched_qos
from emotion_ros.ros.time_conversions import ns_to_stamp


class AudioCommonPublishers:
    """Publishes chunks of S16LE audio with the capture time of their first sample."""

    def __init__(
        self,
        node: Node,
        sample_rate: int,
        channels: int,
        frame_id: str,
        sample_format: str = "S16LE",
    ) -> None:
        self._node = node
        self._frame_id = frame_id
        self._stamped = node.create_publisher(AudioDataStamped, "audio_stamped", 50)
        self._plain = node.create_publisher(AudioData, "audio", 50)
        self._info = node.create_publisher(AudioInfo, "audio_info", latched_qos())
        bytes_per_sample = {"S16LE": 2, "S32LE": 4, "F32LE": 4, "U8": 1}[sample_format]
        self._info.publish(
            AudioInfo(
                channels=channels,
                sample_rate=sample_rate,
                sample_format=sample_format,
                bitrate=sample_rate * channels * bytes_per_sample * 8,
                coding_format="wave",
            )
        )

    def matched(self) -> int:
        """Subscriptions matched on ``audio_stamped`` and ``audio`` (a node reads one of them)."""
        return self._stamped.get_subscription_count() + self._plain.get_subscription_count()

    def publish(self, data: bytes, stamp_ns: int) -> None:
        """Publish one chunk on ``audio_stamped`` and ``audio``."""
        audio = AudioData(data=data)
        msg = AudioDataStamped(audio=audio)
        msg.header.stamp = ns_to_stamp(stamp_ns)
        msg.header.frame_id = self._frame_id
        self._stamped.publish(msg)
        self._plain.publish(audio)
