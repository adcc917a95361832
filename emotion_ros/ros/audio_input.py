"""Subscribes a node to audio_common audio: the one way in of the audio node and the speech node.

``audio_stamped`` (AudioDataStamped) or, with ``use_stamped: false``, ``audio`` (AudioData, stamped
on arrival), through ``InputSubscription`` so that ``best_available`` follows the publishers; plus
the latched ``audio_info``. Until a usable AudioInfo arrives the node's ``sample_format``,
``sample_rate`` and ``channels`` parameters describe the bytes. Everything goes through the node's
``CheckedInput``: an AudioInfo the node cannot decode (``validation.audio_info``) is refused and
the format it had stays (a latched AudioInfo arrives once: taken, it would silence the node for
good); a chunk stamped 0 or far ahead (``validation.stamps``) is refused; and a chunk whose bytes
the node's stream refuses (``on_chunk`` raises ``InvalidInput``, as ``AudioStream.add_chunk``
does) is reported the same way.
"""

from collections.abc import Callable, Mapping
from typing import Any

from audio_common_msgs.msg import AudioData, AudioDataStamped, AudioInfo
from rclpy.node import Node

from emotion_ros.audio.sample_format import SUPPORTED_FORMATS
from emotion_ros.parameter_spec import Param
from emotion_ros.ros.checked_input import CheckedInput
from emotion_ros.ros.input_subscription import InputSubscription
from emotion_ros.ros.qos import latched_qos, sensor_qos_from_parameter
from emotion_ros.validation.audio_info import AudioFormat, audio_format
from emotion_ros.validation.invalid_input import InvalidInput

# The parameters AudioInput reads, the same in every node that takes audio (each node adds its
# own reliability, qos_depth and gap_tolerance_s: what they cost differs per node).
AUDIO_INPUT_PARAMETERS: dict[str, Param] = {
    "use_stamped": Param("Subscribe to audio_stamped (true) or to audio + audio_info (false)."),
    "sample_format": Param(
        "Format when no audio_info has arrived (S16LE, S32LE, F32LE, U8).",
        choices=SUPPORTED_FORMATS,
    ),
    "sample_rate": Param("Rate in Hz when no audio_info has arrived.", low=1),
    "channels": Param("Channels when no audio_info has arrived.", low=1),
    "stamp_is_chunk_end": Param("Chunk stamps mark their last sample instead of their first."),
}

# (bytes, their format, stamp ns, frame_id); raises InvalidInput for bytes it cannot use
ChunkCallback = Callable[[bytes, AudioFormat, int, str], None]


class AudioInput:
    """The subscriptions, the stream format in effect (``format``) and the node's ``checked``
    input (its bad-input counts, for /diagnostics)."""

    def __init__(self, node: Node, parameters: Mapping[str, Any], on_chunk: ChunkCallback):
        """Subscribe ``node``; each usable chunk goes to ``on_chunk``.

        Raises:
            InvalidInput: the format parameters describe audio the node cannot decode.
        """
        self._node = node
        self._on_chunk = on_chunk
        self.checked = CheckedInput(node)
        self.format = audio_format(
            parameters["sample_format"], parameters["channels"], parameters["sample_rate"]
        )
        node.create_subscription(AudioInfo, "audio_info", self._on_info, latched_qos())
        qos = sensor_qos_from_parameter(parameters["reliability"], parameters["qos_depth"])
        if parameters["use_stamped"]:
            self._chunks = InputSubscription(
                node, AudioDataStamped, "audio_stamped", self._on_stamped, qos
            )
        else:
            self._chunks = InputSubscription(node, AudioData, "audio", self._on_plain, qos)

    def _on_info(self, msg: AudioInfo) -> None:
        """Take a new format; refuse one the node cannot decode and keep the old one."""
        try:
            new = audio_format(msg.sample_format, msg.channels, msg.sample_rate)
        except InvalidInput as exc:
            self.checked.report.refused(exc, f"audio_info refused, still decoding {self.format}")
            return
        if new != self.format:
            self._node.get_logger().info(f"audio format: {new}")
        self.format = new

    def _on_stamped(self, msg: AudioDataStamped) -> None:
        checked = self.checked.take(msg, _chunk_bytes, "audio chunk")
        if checked is not None:
            stamp_ns, data = checked
            self._chunk(data, stamp_ns, msg.header.frame_id)

    def _on_plain(self, msg: AudioData) -> None:
        """AudioData has no stamp: the arrival time stands in for the capture time."""
        self._chunk(bytes(msg.data), self.checked.now_ns(), "")

    def _chunk(self, data: bytes, stamp_ns: int, frame_id: str) -> None:
        fmt = self.format
        try:
            self._on_chunk(data, fmt, stamp_ns, frame_id)
        except InvalidInput as exc:
            self.checked.report.refused(exc, f"audio chunk dropped ({fmt})")


def _chunk_bytes(msg: AudioDataStamped) -> bytes:
    """A stamped chunk's bytes: what they hold is checked against the format by the stream."""
    return bytes(msg.audio.data)
