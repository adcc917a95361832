"""Audio file source: plays a wav/flac file in real time as audio_common_msgs (S16LE).

With no ``file`` it plays the bundled speech (data/default_speech.wav). Each chunk is stamped with
the capture time its first sample would have had: the start time plus the samples played so far,
so the stamps are exact however the timer jitters. It starts once ``wait_for_subscribers``
subscriptions have matched: a file played before its listeners are discovered (a moment after the
node starts) loses its first second, often the first sentence.
"""

from typing import Any

import numpy as np
import soundfile
from rclpy.node import Node

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.package_paths import share_path
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.audio_publishers import AudioCommonPublishers
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.subscriber_wait import still_waiting
from emotion_ros.stats import RateMeter

DEFAULT_SPEECH = "default_speech.wav"

# name: Param; the values are in config/audio_file_source.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "file": Param("wav or flac file to play ('' = the bundled speech)."),
    "chunk_s": Param("Seconds of audio per message.", above=0.0),
    "loop": Param("Start again at the end of the file.", dynamic=True),
    "frame_id": Param("header.frame_id of the audio."),
    "wait_for_subscribers": Param(
        "Start playing once this many subscriptions on audio_stamped and audio are matched "
        "(0 = at once).",
        low=0,
    ),
}


class AudioFileSource(Node):
    """Publishes a file chunk by chunk at the rate it would be captured."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("audio_file_source", **kwargs)
        # loop changes at run time: the end of the file reads it from self.params
        self.params = declare_parameters(self, "audio_file_source", PARAMETERS)
        path = self.params["file"] or str(share_path("data", DEFAULT_SPEECH))
        audio, self.sample_rate = soundfile.read(path, dtype="float32", always_2d=True)
        self._samples = audio.mean(axis=1)  # published as mono, like a single microphone
        if len(self._samples) == 0:
            raise ValueError(f"{path} has no samples")
        self._chunk = max(1, round(self.params["chunk_s"] * self.sample_rate))
        self._audio = AudioCommonPublishers(self, self.sample_rate, 1, self.params["frame_id"])
        self._position = 0
        self._played = 0
        self._waiting_for = self.params["wait_for_subscribers"]
        self._start_ns = self.get_clock().now().nanoseconds  # set again when the wait is over
        self._rate = RateMeter()
        self._timer = self.create_timer(self.params["chunk_s"] / 2, self._tick)
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "audio file", path, lambda: (diagnostics.OK, "playing", {
                "chunk rate (Hz)": f"{self._rate.rate():.1f}"})
        )  # fmt: skip
        self.get_logger().info(
            f"playing {path} ({len(self._samples) / self.sample_rate:.1f} s at "
            f"{self.sample_rate} Hz) on audio_stamped, audio and audio_info"
        )

    def _tick(self) -> None:
        """Publish every chunk whose last sample has been 'captured' by now."""
        now = self.get_clock().now().nanoseconds
        if self._waiting_for:
            if still_waiting(self, self._waiting_for, self._audio.matched()):
                return
            self._waiting_for = 0
            self._start_ns = now
        while (
            self._start_ns + (self._played + self._chunk) * 1_000_000_000 // self.sample_rate <= now
        ):
            if self._position >= len(self._samples):
                if not self.params["loop"]:
                    self.get_logger().info("end of the file (loop is false)")
                    self._timer.cancel()
                    return
                self._position = 0
            chunk = self._samples[self._position : self._position + self._chunk]
            stamp = self._start_ns + self._played * 1_000_000_000 // self.sample_rate
            self._audio.publish(encode_s16le(np.asarray(chunk)), stamp)
            self._position += len(chunk)
            self._played += len(chunk)
            self._rate.tick()


def main(args: list[str] | None = None) -> int:
    """Run the file source until shutdown; exit code 1 when the file cannot be read."""
    return run_node(
        AudioFileSource,
        "audio_file_source",
        args,
        parameters=PARAMETERS,
        startup_errors=(OSError, RuntimeError, ValueError),
    )
