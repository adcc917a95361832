"""Chunks of audio_common audio -> utterances: the speech node's listening without ROS.

Decoding, gap filling and resampling to 16 kHz are the audio node's (``AudioStream``), with a
window of ``VAD_CONTEXT_S`` every ``VAD_HOP_S``. Silero VAD (``VoiceActivityDetector``, as in the
audio node) judges each window from a fresh state, so every frame is judged with up to a second
of audio before it, and only the frames that no earlier window covered are passed on to the
segmenter: each frame is classified once, with context, at 4 windows a second.
"""

from dataclasses import dataclass

from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings, StreamEvent
from emotion_ros.audio.voice_activity import FRAME, VoiceActivityDetector
from emotion_ros.speech.utterance_segmenter import (
    FRAME_NS,
    SegmenterSettings,
    Utterance,
    UtteranceSegmenter,
)

VAD_CONTEXT_S = 1.024  # 32 VAD frames
VAD_HOP_S = 0.256  # 8 VAD frames: an utterance's end is seen at most this late


@dataclass(frozen=True)
class SpeechInputSettings:
    """How the speech node reads its input (config/speech_node.yaml documents them)."""

    gap_tolerance_s: float
    stamp_is_chunk_end: bool


class SpeechStream:
    """Turns stamped chunks into utterances; ``add_chunk`` mirrors ``AudioStream.add_chunk``."""

    def __init__(
        self,
        inputs: SpeechInputSettings,
        segmenter: SegmenterSettings,
        vad: VoiceActivityDetector | None = None,
    ) -> None:
        self.audio = AudioStream(
            AudioStreamSettings(
                window_s=VAD_CONTEXT_S,
                hop_s=VAD_HOP_S,
                buffer_s=2 * VAD_CONTEXT_S,
                gap_tolerance_s=inputs.gap_tolerance_s,
                stamp_is_chunk_end=inputs.stamp_is_chunk_end,
            )
        )
        self.segmenter = UtteranceSegmenter(segmenter)
        self.vad = vad or VoiceActivityDetector()
        self._judged_until_ns: int | None = None  # end of the last frame passed on

    def add_chunk(
        self, data: bytes, sample_format: str, channels: int, sample_rate: int, stamp_ns: int
    ) -> tuple[list[Utterance], list[StreamEvent]]:
        """Add one chunk; return the utterances it completes and the events to log.

        Raises:
            SampleFormatError: the bytes do not match the format (the chunk is dropped).
        """
        windows, events = self.audio.add_chunk(data, sample_format, channels, sample_rate, stamp_ns)
        if any(event.kind == "reset" for event in events):
            self.segmenter.reset()
            self._judged_until_ns = None
        utterances = []
        for window in windows:
            probabilities = self.vad.frame_probabilities(window.samples)
            frames = len(probabilities)
            first = 0
            if self._judged_until_ns is not None:
                first = max(0, frames - (window.end_ns - self._judged_until_ns) // FRAME_NS)
            new = window.samples[first * FRAME : frames * FRAME]
            start_ns = window.start_ns + first * FRAME_NS
            utterances += self.segmenter.add(new, start_ns, probabilities[first:])
            self._judged_until_ns = window.start_ns + frames * FRAME_NS
        return utterances, events
