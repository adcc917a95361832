"""Audio node: audio_common_msgs audio -> two-second AudioWindow messages every hop.

Decoding, resampling to 16 kHz, the ring buffer and the window grid live in
``emotion_ros.audio.audio_stream``; this node only converts messages, logs what the stream reports
and publishes. With ``publish: features`` (or ``both``) the log-mel features are computed here,
once per window, instead of once per face in the fusion node.

Bad input is refused with a throttled ERROR per kind and a ``refused: <kind>`` counter on
/diagnostics: an AudioInfo the node cannot decode (the node keeps the format it had), and chunks
that are empty, longer than the buffer, not a whole number of frames, or stamped 0 or far in the
future (``validation/stamps.py``).
"""

from typing import Any

import numpy as np
from audio_common_msgs.msg import AudioData, AudioDataStamped, AudioInfo
from rclpy.node import Node

from emotion_ros.audio.audio_ring import Window
from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings
from emotion_ros.audio.features import DEFAULT_LOG_MEL, log_mel
from emotion_ros.audio.sample_format import SUPPORTED_FORMATS
from emotion_ros.audio.voice_activity import VoiceActivityDetector
from emotion_ros.msg import AudioWindow
from emotion_ros.node_config import settings_from
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.bad_input import BadInputReport
from emotion_ros.ros.input_subscription import InputSubscription
from emotion_ros.ros.log_throttle import KeyedThrottle
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import RELIABILITY_CHOICES, latched_qos, sensor_qos_from_parameter
from emotion_ros.ros.time_conversions import ns_to_stamp
from emotion_ros.stats import RateMeter
from emotion_ros.timestamps import stamp_to_ns
from emotion_ros.validation.audio_info import audio_format
from emotion_ros.validation.invalid_input import InvalidInput
from emotion_ros.validation.stamps import check_stamp

# name: Param; the values are in config/audio_node.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "use_stamped": Param("Subscribe to audio_stamped (true) or to audio + audio_info (false)."),
    "reliability": Param(
        "Input QoS: best_available, best_effort, reliable or system_default.",
        choices=RELIABILITY_CHOICES,
    ),
    "qos_depth": Param("Input QoS depth (chunks are small; keep several).", low=1),
    "sample_format": Param(
        "Format when no audio_info has arrived (S16LE, S32LE, F32LE, U8).",
        choices=SUPPORTED_FORMATS,
    ),
    "sample_rate": Param("Rate in Hz when no audio_info has arrived.", low=1),
    "channels": Param("Channels when no audio_info has arrived.", low=1),
    "window_s": Param("Window length in seconds (the audio model's input).", above=0.0),
    "hop_s": Param("Seconds between windows.", above=0.0),
    "buffer_s": Param("Seconds of audio kept in the ring buffer.", above=0.0),
    "gap_tolerance_s": Param(
        "Stamp jumps larger than this are gaps (zero-filled, flagged).", low=0.0
    ),
    "stamp_is_chunk_end": Param("Chunk stamps mark their last sample instead of their first."),
    "publish": Param(
        "What windows carry: samples, features (log-mel) or both.",
        choices=("samples", "features", "both"),
        dynamic=True,
    ),
    "voice_activity": Param(
        "Measure each window's share of speech (Silero VAD, about 3 ms a window) so that the "
        "fusion node can ignore windows in which nobody speaks."
    ),
}


class AudioNode(Node):
    """Publishes ``audio/windows`` (AudioWindow) stamped with each window's end time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("audio_node", **kwargs)
        # publish changes at run time: each window reads it from self.params
        self.params = p = declare_parameters(self, "audio_node", PARAMETERS)
        self._stream = AudioStream(settings_from(AudioStreamSettings, p))
        self._vad = VoiceActivityDetector() if p["voice_activity"] else None
        self._format = audio_format(p["sample_format"], p["channels"], p["sample_rate"])
        self._publisher = self.create_publisher(AudioWindow, "audio/windows", 10)
        qos = sensor_qos_from_parameter(p["reliability"], p["qos_depth"])
        self.create_subscription(AudioInfo, "audio_info", self._on_info, latched_qos())
        if p["use_stamped"]:
            self._input = InputSubscription(
                self, AudioDataStamped, "audio_stamped", self._on_stamped, qos
            )
        else:
            self._input = InputSubscription(self, AudioData, "audio", self._on_plain, qos)
        self._throttle = KeyedThrottle(5.0)  # gaps and resets: not refused, but worth a line
        self._bad_input = BadInputReport(self.get_logger())
        self._input_rate, self._window_rate = RateMeter(), RateMeter()
        self._resets = 0
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "audio windows", "audio", self._status
        )

    def _on_info(self, msg: AudioInfo) -> None:
        """Take a new format; refuse one the node cannot decode and keep the old one."""
        try:
            new = audio_format(msg.sample_format, msg.channels, msg.sample_rate)
        except InvalidInput as exc:
            self._bad_input.refused(exc, f"audio_info refused, still decoding {self._format}")
            return
        if new != self._format:
            self.get_logger().info(f"audio format: {new}")
        self._format = new

    def _on_stamped(self, msg: AudioDataStamped) -> None:
        try:
            now_ns = self.get_clock().now().nanoseconds
            stamp_ns = check_stamp(stamp_to_ns(msg.header.stamp), now_ns)
        except InvalidInput as exc:
            self._bad_input.refused(exc, "audio chunk dropped")
            return
        self._add(msg.audio.data, stamp_ns, msg.header.frame_id)

    def _on_plain(self, msg: AudioData) -> None:
        """AudioData has no stamp: the arrival time stands in for the capture time."""
        self._add(msg.data, self.get_clock().now().nanoseconds, "")

    def _add(self, data: Any, stamp_ns: int, frame_id: str) -> None:
        self._input_rate.tick()
        fmt = self._format
        try:
            windows, events = self._stream.add_chunk(
                bytes(data), fmt.sample_format, fmt.channels, fmt.sample_rate, stamp_ns
            )
        except InvalidInput as exc:
            self._bad_input.refused(exc, f"audio chunk dropped ({fmt})")
            return
        logger = self.get_logger()
        for event in events:
            if event.kind == "reset":
                self._resets += 1
                reason = event.detail.split()[0]  # "sample" (rate) or "stamps"
                self._throttle.error(logger, reason, f"audio buffer reset: {event.detail}")
            else:
                gap_ms = event.gap_seconds * 1e3
                self._throttle.warning(
                    logger, "gap", f"gap of {gap_ms:.0f} ms in the audio stamps; zero-filled"
                )
        for window in windows:
            self._publisher.publish(self._window_msg(window, frame_id))
            self._window_rate.tick()

    def _speech_fraction(self, samples: np.ndarray) -> float:
        return -1.0 if self._vad is None else self._vad.speech_fraction(samples)

    def _window_msg(self, window: Window, frame_id: str) -> AudioWindow:
        msg = AudioWindow(
            start_stamp=ns_to_stamp(window.start_ns),
            sample_rate=self._stream.ring.sample_rate,
            has_gap=window.gap_seconds > 0,
            gap_seconds=window.gap_seconds,
            speech_fraction=self._speech_fraction(window.samples),
        )
        msg.header.stamp = ns_to_stamp(window.end_ns)
        msg.header.frame_id = frame_id
        if self.params["publish"] in ("samples", "both"):
            msg.samples = window.samples.tolist()
        if self.params["publish"] in ("features", "both"):
            features = log_mel(window.samples, DEFAULT_LOG_MEL)
            msg.feature_type = AudioWindow.FEATURE_LOG_MEL
            msg.feature_shape = list(features.shape)
            msg.features = np.ascontiguousarray(features, dtype=np.float32).ravel().tolist()
        return msg

    def _status(self) -> tuple[int, str, dict[str, str]]:
        input_rate = self._input_rate.rate()
        level = diagnostics.OK if input_rate > 0 else diagnostics.WARN
        return (
            level,
            "windows flowing" if input_rate > 0 else "no audio input",
            {
                "input rate (chunks/s)": f"{input_rate:.1f}",
                "window rate (Hz)": f"{self._window_rate.rate():.2f}",
                "gaps": str(self._stream.gaps),
                "resets": str(self._resets),
                "buffer fill (s)": f"{self._stream.ring.fill_seconds:.2f}",
                **self._bad_input.counts.diagnostic_values(),
            },
        )


def main(args: list[str] | None = None) -> int:
    """Run the audio node until shutdown."""
    return run_node(
        AudioNode, "audio_node", args, parameters=PARAMETERS, startup_errors=(ValueError,)
    )
