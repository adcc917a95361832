"""Audio node: audio_common_msgs audio -> two-second AudioWindow messages every hop.

Decoding, resampling to 16 kHz, the ring buffer and the window grid live in
``emotion_ros.audio.audio_stream``; this node only converts messages, logs what the stream reports
and publishes. With ``publish: features`` (or ``both``) the log-mel features are computed here,
once per window, instead of once per face in the fusion node.

The input (``ros/audio_input.py``, as the speech node's) refuses bad input with a throttled ERROR
per kind and a ``refused: <kind>`` counter on /diagnostics: an AudioInfo the node cannot decode
(the node keeps the format it had), and chunks that are empty, longer than the buffer, not a whole
number of frames, or stamped 0 or far in the future (``validation/stamps.py``). The speech
fraction and log-mel features of each window come from ``audio/feature_stream.py``, as offline.
"""

from typing import Any

import numpy as np
from rclpy.node import Node

from emotion_ros.audio.feature_stream import AudioFeatureStream, FeatureWindow
from emotion_ros.msg import AudioWindow
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.audio_input import AUDIO_INPUT_PARAMETERS, AudioInput
from emotion_ros.ros.log_throttle import KeyedThrottle
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import RELIABILITY_CHOICES
from emotion_ros.ros.time_conversions import ns_to_stamp
from emotion_ros.stats import RateMeter
from emotion_ros.validation.audio_info import AudioFormat

# name: Param; the values are in config/audio_node.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    **AUDIO_INPUT_PARAMETERS,
    "reliability": Param(
        "Input QoS: best_available, best_effort, reliable or system_default.",
        choices=RELIABILITY_CHOICES,
    ),
    "qos_depth": Param("Input QoS depth (chunks are small; keep several).", low=1),
    "window_s": Param("Window length in seconds (the audio model's input).", above=0.0),
    "hop_s": Param("Seconds between windows.", above=0.0),
    "buffer_s": Param("Seconds of audio kept in the ring buffer.", above=0.0),
    "gap_tolerance_s": Param(
        "Stamp jumps larger than this are gaps (zero-filled, flagged).", low=0.0
    ),
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
        self._features = AudioFeatureStream.from_parameters(p)
        self._publisher = self.create_publisher(AudioWindow, "audio/windows", 10)
        self._throttle = KeyedThrottle(5.0)  # gaps and resets: not refused, but worth a line
        self._input_rate, self._window_rate = RateMeter(), RateMeter()
        self._resets = 0
        self._input = AudioInput(self, p, self._add)
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "audio windows", "audio", self._status
        )

    def _add(self, data: bytes, fmt: AudioFormat, stamp_ns: int, frame_id: str) -> None:
        """Window a checked chunk (AudioInput reports the InvalidInput of bytes that do not match
        ``fmt``)."""
        self._input_rate.tick()
        windows, events = self._features.add_chunk(
            data, fmt.sample_format, fmt.channels, fmt.sample_rate, stamp_ns,
            features=self.params["publish"] in ("features", "both"),
        )  # fmt: skip
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

    def _window_msg(self, analysed: FeatureWindow, frame_id: str) -> AudioWindow:
        window = analysed.window
        msg = AudioWindow(
            start_stamp=ns_to_stamp(window.start_ns),
            sample_rate=self._features.stream.ring.sample_rate,
            has_gap=window.gap_seconds > 0,
            gap_seconds=window.gap_seconds,
            speech_fraction=analysed.speech_fraction,
        )
        msg.header.stamp = ns_to_stamp(window.end_ns)
        msg.header.frame_id = frame_id
        if self.params["publish"] in ("samples", "both"):
            msg.samples = window.samples.tolist()
        if analysed.log_mel is not None:
            msg.feature_type = AudioWindow.FEATURE_LOG_MEL
            msg.feature_shape = list(analysed.log_mel.shape)
            msg.features = np.ascontiguousarray(analysed.log_mel, dtype=np.float32).ravel().tolist()
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
                "gaps": str(self._features.stream.gaps),
                "resets": str(self._resets),
                "buffer fill (s)": f"{self._features.stream.ring.fill_seconds:.2f}",
                **self._input.checked.diagnostic_values(),
            },
        )


def main(args: list[str] | None = None) -> int:
    """Run the audio node until shutdown."""
    return run_node(
        AudioNode, "audio_node", args, parameters=PARAMETERS, startup_errors=(ValueError,)
    )
