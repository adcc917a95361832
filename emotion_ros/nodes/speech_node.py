"""Speech node: audio_common audio -> one Transcript per utterance (text, valence, class scores).

The subscription callback only decodes, resamples and runs the voice-activity detector (about
10 ms per second of audio); finished utterances go through a queue of at most
``max_pending_utterances`` to a worker thread that recognises and scores them, at a lower CPU
priority (``worker_niceness``). Recognition is slow (a few tenths of a second per second of
speech), so it runs in this process of its own and never delays the camera frames; when people
talk faster than it keeps up, the oldest waiting utterance is dropped and counted.

Audio comes in as to the audio node (``ros/audio_input.py``): a bad AudioInfo, a chunk stamped 0
or far ahead, or bytes that do not match the format give a throttled ERROR per kind and a
``refused: <kind>`` counter on /diagnostics.

When no audio has arrived for ``end_of_stream_s`` (a microphone turned off, a file or a bag at its
end), the utterance in progress is ended and transcribed: no pause will follow its last words.
"""

import os
import threading
import time
from dataclasses import replace
from typing import Any

from rclpy.node import Node

from emotion_ros.dropping_queue import DroppingQueue
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.msg import Transcript
from emotion_ros.node_config import settings_from
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.audio_input import AUDIO_INPUT_PARAMETERS, AudioInput
from emotion_ros.ros.log_throttle import KeyedThrottle
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import RELIABILITY_CHOICES
from emotion_ros.ros.time_conversions import duration_from_ns, ns_to_stamp
from emotion_ros.speech.recognizers import BACKENDS, RecognizerError
from emotion_ros.speech.speech_stream import SpeechInputSettings, SpeechStream
from emotion_ros.speech.text_scoring import LEXICONS
from emotion_ros.speech.transcriber import Transcriber, Transcription
from emotion_ros.speech.utterance_segmenter import SegmenterSettings, Utterance
from emotion_ros.stats import LatencyWindow, RateMeter
from emotion_ros.validation.audio_info import AudioFormat

# name: Param; the values are in config/speech_node.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    **AUDIO_INPUT_PARAMETERS,
    "reliability": Param(
        "Input QoS: best_effort, reliable, best_available or system_default.",
        choices=RELIABILITY_CHOICES,
    ),
    "qos_depth": Param(
        "Input QoS depth (chunks wait here while recognition holds the process).", low=1
    ),
    "gap_tolerance_s": Param(
        "Stamp jumps larger than this are gaps (zero-filled: silence).", low=0.0
    ),
    "vad_threshold": Param(
        "Silero VAD speech probability from which a 32 ms frame is speech.",
        low=0.0,
        high=1.0,
        dynamic=True,
    ),
    "min_silence_s": Param("A pause this long ends an utterance.", low=0.0),
    "min_speech_s": Param("Utterances with less speech than this are not transcribed.", low=0.0),
    "max_utterance_s": Param("Longer speech is cut into utterances of this length.", above=0.0),
    "padding_s": Param(
        "Seconds of audio kept before the first and after the last speech frame.", low=0.0
    ),
    "end_of_stream_s": Param(
        "No audio for this long (wall clock) ends the utterance in progress.",
        above=0.0,
        dynamic=True,
    ),
    "backend": Param("Recogniser: pocketsphinx, faster-whisper or vosk.", choices=BACKENDS),
    "model_dir": Param(
        "The recogniser's model folder ('' = pocketsphinx's en-US model in its wheel)."
    ),
    "language": Param("Language for faster-whisper ('' = detect); the others use their model's."),
    "emotion_lexicon": Param(
        "Class scores from VADER's valence alone (vader, MIT) or also the NRC Emotion Lexicon "
        "(nrc, research use only).",
        choices=LEXICONS,
    ),
    "max_pending_utterances": Param(
        "Utterances waiting for the recogniser; when full the oldest is dropped (counted).", low=1
    ),
    "worker_niceness": Param(
        "Nice level of the recognition thread (0 = as the rest of the node).", low=0, high=19
    ),
}


class SpeechNode(Node):
    """Publishes ``speech/transcript`` (Transcript), stamped with each utterance's end."""

    # None until started: a class default, so that destroy_node() works on a node whose
    # parameters were refused or whose recogniser failed to load.
    _worker: threading.Thread | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("speech_node", **kwargs)
        self.params = p = declare_parameters(self, "speech_node", PARAMETERS, self._on_change)
        self._stream = SpeechStream(
            settings_from(SpeechInputSettings, p), settings_from(SegmenterSettings, p)
        )
        self._utterances: DroppingQueue[Utterance] = DroppingQueue(p["max_pending_utterances"])
        self._throttle = KeyedThrottle(5.0)
        self._input_rate = RateMeter()
        self._audio_s = self._cpu_s = 0.0
        self._transcribed = self._empty = self._errors = 0
        self._latency = LatencyWindow()
        self._frame_id = ""  # the microphone's, from the input
        # End of stream: wall-clock time of the newest chunk or recognition (PocketSphinx holds
        # the GIL while it decodes, so chunks wait meanwhile and arrive late, not missing).
        self._last_activity_s = time.monotonic()
        self._unflushed = False  # audio has come since the stream was last flushed
        self._recognising = False
        # Subscribed before the recogniser loads (a second): DDS keeps the chunks that arrive
        # meanwhile (qos_depth), so a source that starts now loses no speech.
        self._input = AudioInput(self, p, self._on_chunk)
        self._transcriber = Transcriber.from_parameters(p)
        self.get_logger().info(f"recogniser {p['backend']} ready")
        self._publisher = self.create_publisher(Transcript, "speech/transcript", 10)
        self._worker = threading.Thread(target=self._work, name="recognizer", daemon=True)
        self._worker.start()
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "speech", p["backend"], self._status
        )
        self.create_timer(min(0.1, p["end_of_stream_s"] / 2), self._check_end_of_stream)

    def _on_change(self, name: str, value: Any) -> None:
        """A new vad_threshold applies from the next VAD frame on (the executor runs this between
        audio chunks); end_of_stream_s is read from ``self.params`` by its timer."""
        if name == "vad_threshold":
            segmenter = self._stream.segmenter
            segmenter.settings = replace(segmenter.settings, vad_threshold=value)

    def destroy_node(self) -> None:
        """Stop the worker before the node goes."""
        if self._worker is not None:
            self._utterances.close()
            self._worker.join(timeout=5.0)
            self._worker = None
        super().destroy_node()

    def _on_chunk(self, data: bytes, fmt: AudioFormat, stamp_ns: int, frame_id: str) -> None:
        """Segment a checked chunk (AudioInput reports the InvalidInput of bytes that do not
        match ``fmt``, as the audio node's)."""
        self._input_rate.tick()
        self._frame_id = frame_id
        utterances, events = self._stream.add_chunk(
            data, fmt.sample_format, fmt.channels, fmt.sample_rate, stamp_ns
        )
        self._last_activity_s = time.monotonic()
        self._unflushed = True
        for event in events:
            if event.kind != "gap":
                self._throttle.warning(self.get_logger(), event.kind, event.detail)
        self._queue(utterances)

    def _check_end_of_stream(self) -> None:
        """Flush the stream once no chunk (and no recognition) for ``end_of_stream_s``."""
        idle_s = time.monotonic() - self._last_activity_s
        if self._unflushed and not self._recognising and idle_s >= self.params["end_of_stream_s"]:
            self._unflushed = False
            self._queue(self._stream.flush())

    def _queue(self, utterances: list[Utterance]) -> None:
        for utterance in utterances:
            if self._utterances.put(utterance):
                self._throttle.warning(
                    self.get_logger(), "dropped",
                    "recognition cannot keep up: the oldest waiting utterance was dropped",
                )  # fmt: skip

    def _work(self) -> None:
        niceness = self.params["worker_niceness"]
        if niceness:  # Linux: the nice level of this thread only
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
        while (utterance := self._utterances.get()) is not None:
            self._recognising = True
            try:
                self._publish(self._transcriber.transcribe(utterance))
            except Exception as exc:  # keep the node alive; the reason goes to the log
                if not self.context.ok():
                    return
                self._errors += 1
                self._throttle.error(
                    self.get_logger(), "recognition", f"recognition failed: {exc!r}"
                )
            finally:
                self._last_activity_s = time.monotonic()
                self._recognising = False

    def _publish(self, transcript: Transcription) -> None:
        self._audio_s += (transcript.end_ns - transcript.start_ns) * 1e-9
        self._cpu_s += transcript.cpu_s
        if not transcript.text:
            self._empty += 1
            return
        msg = Transcript(
            start_stamp=ns_to_stamp(transcript.start_ns),
            text=transcript.text,
            backend=transcript.backend,
            confidence=transcript.confidence,
            valence=transcript.valence,
            class_names=list(CLASS_NAMES),
            probabilities=transcript.probabilities.tolist(),
        )
        msg.header.stamp = ns_to_stamp(transcript.end_ns)
        msg.header.frame_id = self._frame_id
        latency_ns = self.get_clock().now().nanoseconds - transcript.end_ns
        msg.latency = duration_from_ns(latency_ns)
        self._publisher.publish(msg)
        self._transcribed += 1
        self._latency.add(latency_ns * 1e-9)
        # debug: speech/transcript is the output; `emotion-ros run` prints it already
        self.get_logger().debug(f"heard {transcript.text!r} (valence {transcript.valence:+.2f})")

    def _status(self) -> tuple[int, str, dict[str, str]]:
        input_rate = self._input_rate.rate()
        p50, p99 = self._latency.percentiles(50, 99)
        return (
            diagnostics.OK if input_rate > 0 else diagnostics.WARN,
            "listening" if input_rate > 0 else "no audio input",
            {
                "input rate (chunks/s)": f"{input_rate:.1f}",
                "utterances transcribed": str(self._transcribed),
                "utterances without words": str(self._empty),
                "utterances dropped (queue full)": str(self._utterances.dropped),
                "utterances too short": str(self._stream.segmenter.dropped_short),
                "recognition errors": str(self._errors),
                "CPU s per s of speech": f"{self._cpu_s / max(self._audio_s, 1e-9):.2f}",
                "latency after the utterance p50/p99 (s)": f"{p50:.2f} / {p99:.2f}",
                **self._input.checked.diagnostic_values(),
            },
        )


def main(args: list[str] | None = None) -> int:
    """Run the speech node until shutdown."""
    return run_node(
        SpeechNode, "speech_node", args, parameters=PARAMETERS,
        startup_errors=(RecognizerError, ValueError),
    )  # fmt: skip
