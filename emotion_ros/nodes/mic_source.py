"""Microphone source: publishes a sound card's input as audio_common_msgs (S16LE).

Uses PortAudio through ``sounddevice``. Without its device (no sound card, no microphone, a wrong
name, busy, no PortAudio library) the node does not exit: it logs the reason once, tries again
every ``retry_s`` (re-reading the device list, so a microphone plugged in late is found), and
reports ERROR on ``/diagnostics`` with the reason and the number of failed attempts. A robot's
graph thus survives a missing microphone. audio_common's capture node can replace it.
"""

from typing import Any

import numpy as np
from rclpy.node import Node

from emotion_ros.audio.microphone import MicrophoneError, open_microphone
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.audio_publishers import AudioCommonPublishers
from emotion_ros.ros.device_retry import DeviceRetry
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.stats import RateMeter

# name: Param; the values are in config/mic_source.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "device": Param("PortAudio device name or index ('' = the system default input)."),
    "sample_rate": Param("Capture rate in Hz.", low=1),
    "channels": Param("Captured channels (the audio node downmixes to mono).", low=1),
    "chunk_s": Param("Seconds of audio per message.", above=0.0),
    "frame_id": Param("header.frame_id of the audio."),
    "retry_s": Param("Seconds between attempts to open a missing device.", above=0.0),
}


class MicSource(Node):
    """Publishes microphone chunks stamped with the capture time of their first sample."""

    # A class default, so that destroy_node() works on a node whose __init__ raised (rclpy destroys
    # every node of its context at shutdown, half-built ones too).
    _stream: Any = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("mic_source", **kwargs)
        self.params = declare_parameters(self, "mic_source", PARAMETERS)
        p = self.params
        self._audio = AudioCommonPublishers(self, p["sample_rate"], p["channels"], p["frame_id"])
        self._device = DeviceRetry("microphone", str(p["device"] or "default"), p["retry_s"])
        self._rate = RateMeter()
        self._overflows = 0
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "microphone", self._device.device, self._status
        )
        self._retry = self.create_timer(p["retry_s"], self._open)
        self._open()

    def _open(self) -> None:
        if self._stream is not None:
            return
        p = self.params
        try:
            self._stream = open_microphone(
                str(p["device"]),
                p["sample_rate"],
                p["channels"],
                round(p["chunk_s"] * p["sample_rate"]),
                self._on_audio,
                rescan=self._device.failed_attempts > 0,
            )
        except MicrophoneError as exc:
            self._device.failed(str(exc), self.get_logger().error)
            return
        self._device.opened(self.get_logger().info)

    def _on_audio(self, data: np.ndarray, frames: int, stream_time: Any, status: Any) -> None:
        """PortAudio's thread: stamp with the ADC time of the first sample, then publish."""
        if status.input_overflow:
            self._overflows += 1
        age_s = stream_time.currentTime - stream_time.inputBufferAdcTime
        stamp = self.get_clock().now().nanoseconds - int(max(age_s, 0.0) * 1e9)
        self._audio.publish(data.tobytes(), stamp)
        self._rate.tick()

    def _status(self) -> tuple[int, str, dict[str, str]]:
        values = self._device.diagnostic_values()
        if self._stream is None:
            return diagnostics.ERROR, f"no microphone: {self._device.error}", values
        values |= {"chunk rate (Hz)": f"{self._rate.rate():.1f}", "overflows": str(self._overflows)}
        return diagnostics.OK, "capturing", values

    def destroy_node(self) -> None:
        """Close the sound card as well."""
        if self._stream is not None:
            self._stream.close()
        super().destroy_node()


def main(args: list[str] | None = None) -> int:
    """Run the microphone source until shutdown."""
    return run_node(MicSource, "mic_source", args, parameters=PARAMETERS)
