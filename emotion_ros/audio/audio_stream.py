"""Chunks of audio_common audio -> 16 kHz windows every hop: the audio node's work without ROS.

Each chunk is checked (a format the stream can read, not empty, not longer than the buffer),
decoded, checked against the timeline (a gap in the stamps is filled with zeros and flagged;
stamps going backwards, jumping ahead by more than the buffer, or a new sample rate start a new
segment), resampled and stored.
Windows are cut on a fixed grid (every ``hop_s``) and stamped with their end time, so the fusion
node can take "the two seconds before the frame" by stamp.
"""

from dataclasses import dataclass

import numpy as np

from emotion_ros.audio.audio_ring import AudioRing, Window
from emotion_ros.audio.resample import TARGET_RATE, StreamResampler
from emotion_ros.audio.sample_format import bytes_per_frame, decode_to_mono
from emotion_ros.timestamps import NS_PER_S
from emotion_ros.validation.audio_info import audio_format
from emotion_ros.validation.invalid_input import InvalidInput


@dataclass(frozen=True)
class AudioStreamSettings:
    """The audio node's windowing parameters (config/audio_node.yaml documents them)."""

    window_s: float
    hop_s: float
    buffer_s: float
    gap_tolerance_s: float
    stamp_is_chunk_end: bool


@dataclass(frozen=True)
class StreamEvent:
    """Something the node should log: a ``reset`` (with the reason) or a ``gap`` (seconds)."""

    kind: str
    detail: str
    gap_seconds: float = 0.0


class AudioStream:
    """Turns stamped chunks into windows of ``window_s`` every ``hop_s``."""

    def __init__(self, settings: AudioStreamSettings) -> None:
        if settings.window_s > settings.buffer_s:
            raise ValueError(
                f"window ({settings.window_s} s) longer than the buffer ({settings.buffer_s} s)"
            )
        self.window_s, self.hop_s = settings.window_s, settings.hop_s
        self.buffer_s = settings.buffer_s
        self.tolerance_ns = int(settings.gap_tolerance_s * NS_PER_S)
        self.stamp_is_chunk_end = settings.stamp_is_chunk_end
        self.ring = AudioRing(TARGET_RATE, settings.buffer_s)
        self._resampler: StreamResampler | None = None
        self._next_input_ns: int | None = None
        self._next_window_end: int | None = None
        self.gaps = 0

    def add_chunk(
        self, data: bytes, sample_format: str, channels: int, sample_rate: int, stamp_ns: int
    ) -> tuple[list[Window], list[StreamEvent]]:
        """Add one chunk; return the windows completed by it and the events to log.

        Raises:
            InvalidInput: a format the stream cannot read (``audio_info``), an empty chunk
                (``empty_chunk``), one longer than the buffer (``chunk_too_long``) or bytes that
                do not match the format (a ``SampleFormatError``). The chunk is dropped and the
                timeline is unchanged, so the next good chunk shows up as a gap.
        """
        audio_format(sample_format, channels, sample_rate)
        if len(data) == 0:
            raise InvalidInput("empty_chunk", "zero-length audio chunk")
        seconds = len(data) // bytes_per_frame(sample_format, channels) / sample_rate
        if seconds > self.buffer_s:
            raise InvalidInput(
                "chunk_too_long",
                f"a chunk of {seconds:.1f} s ({len(data)} bytes) is longer than the audio "
                f"buffer ({self.buffer_s:g} s)",
            )
        samples = decode_to_mono(data, sample_format, channels)
        events: list[StreamEvent] = []
        start_ns = stamp_ns - (
            len(samples) * NS_PER_S // sample_rate if self.stamp_is_chunk_end else 0
        )
        if self._resampler is None or self._resampler.input_rate != sample_rate:
            if self._resampler is not None:
                events.append(
                    StreamEvent(
                        "reset",
                        f"sample rate changed from {self._resampler.input_rate} to "
                        f"{sample_rate} Hz",
                    )
                )
            self._start_segment(sample_rate, start_ns)
        else:
            drift = start_ns - self._next_input_ns
            if drift < -self.tolerance_ns:
                events.append(StreamEvent("reset", f"stamps went back by {-drift / 1e6:.1f} ms"))
                self._start_segment(sample_rate, start_ns)
            elif drift > self.buffer_s * NS_PER_S:  # zeros would only push the audio out
                events.append(StreamEvent("reset", f"stamps jumped ahead by {drift / 1e9:.1f} s"))
                self._start_segment(sample_rate, start_ns)
            elif drift > self.tolerance_ns:
                zeros = np.zeros(round(drift * sample_rate / NS_PER_S), dtype=np.float32)
                self.ring.append(self._resampler.process(zeros), zero_filled=True)
                self._next_input_ns += len(zeros) * NS_PER_S // sample_rate
                self.gaps += 1
                events.append(StreamEvent("gap", "zero-filled", drift / NS_PER_S))
        self.ring.append(self._resampler.process(samples))
        self._next_input_ns += len(samples) * NS_PER_S // sample_rate
        return self._completed_windows(), events

    def _start_segment(self, sample_rate: int, start_ns: int) -> None:
        self._resampler = StreamResampler(sample_rate, TARGET_RATE)
        self.ring.reset(start_ns)
        self._next_input_ns = start_ns
        self._next_window_end = start_ns + int(self.window_s * NS_PER_S)

    def _completed_windows(self) -> list[Window]:
        windows = []
        while self._next_window_end <= self.ring.end_ns:
            window = self.ring.window(self._next_window_end, self.window_s)
            if window is not None:
                windows.append(window)
            self._next_window_end += int(self.hop_s * NS_PER_S)
        return windows
