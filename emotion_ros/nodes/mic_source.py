"""Microphone source: publishes a sound card's input as audio_common_msgs (S16LE).

Uses PortAudio through ``sounddevice``. When the device cannot be opened (no microphone, wrong
name, busy) the node logs why and retries every ``retry_s`` instead of exiting, so a robot's
graph survives a microphone that is plugged in late. audio_common's capture node can replace it.
"""

from typing import Any

import numpy as np
from rclpy.node import Node

from emotion_ros.ros import diagnostics
from emotion_ros.ros.audio_publishers import AudioCommonPublishers
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.stats import RateMeter

# name: description; the values are in config/mic_source.yaml (the node's defaults).
PARAMETERS: dict[str, str] = {
    "device": "PortAudio device name or index ('' = the system default input).",
    "sample_rate": "Capture rate in Hz.",
    "channels": "Captured channels (the audio node downmixes to mono).",
    "chunk_s": "Seconds of audio per message.",
    "frame_id": "header.frame_id of the audio.",
    "retry_s": "Seconds between attempts to open a missing device.",
}


class MicSource(Node):
    """Publishes microphone chunks stamped with the capture time of their first sample."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("mic_source", **kwargs)
        self.params = declare_parameters(self, "mic_source", PARAMETERS)
        p = self.params
        self._audio = AudioCommonPublishers(self, p["sample_rate"], p["channels"], p["frame_id"])
        self._stream: Any = None
        self._error = ""
        self._rate = RateMeter()
        self._overflows = 0
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "microphone", str(p["device"] or "default"), self._status
        )
        self._retry = self.create_timer(p["retry_s"], self._open)
        self._open()

    def _open(self) -> None:
        if self._stream is not None:
            return
        p = self.params
        device = int(p["device"]) if str(p["device"]).isdigit() else (p["device"] or None)
        try:
            import sounddevice

            self._stream = sounddevice.InputStream(
                device=device,
                samplerate=p["sample_rate"],
                channels=p["channels"],
                dtype="int16",
                blocksize=round(p["chunk_s"] * p["sample_rate"]),
                callback=self._on_audio,
            )
            self._stream.start()
        except (OSError, ValueError, ImportError) as exc:  # PortAudioError is an OSError
            self._stream = None
            self._error = str(exc)
            self.get_logger().error(
                f"cannot open microphone {device or 'default'!r}: {exc}; retrying every "
                f"{p['retry_s']} s",
                throttle_duration_sec=60.0,
            )
            return
        self._error = ""
        self.get_logger().info(f"capturing from {device or 'the default input'}")

    def _on_audio(self, data: np.ndarray, frames: int, stream_time: Any, status: Any) -> None:
        """PortAudio's thread: stamp with the ADC time of the first sample, then publish."""
        if status.input_overflow:
            self._overflows += 1
        age_s = stream_time.currentTime - stream_time.inputBufferAdcTime
        stamp = self.get_clock().now().nanoseconds - int(max(age_s, 0.0) * 1e9)
        self._audio.publish(data.tobytes(), stamp)
        self._rate.tick()

    def _status(self) -> tuple[int, str, dict[str, str]]:
        if self._stream is None:
            return diagnostics.ERROR, f"no microphone: {self._error}", {}
        return (
            diagnostics.OK,
            "capturing",
            {"chunk rate (Hz)": f"{self._rate.rate():.1f}", "overflows": str(self._overflows)},
        )

    def destroy_node(self) -> None:
        """Close the sound card as well."""
        if self._stream is not None:
            self._stream.close()
        super().destroy_node()


def main(args: list[str] | None = None) -> int:
    """Run the microphone source until shutdown."""
    return run_node(MicSource, "mic_source", args, descriptions=PARAMETERS)
