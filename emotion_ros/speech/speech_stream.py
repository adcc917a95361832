"""Chunks of audio_common audio -> utterances: the speech node's listening without ROS.

Decoding, gap filling and resampling to 16 kHz are the audio node's (``AudioStream``), with a
window of ``VAD_CONTEXT_S`` every ``VAD_HOP_S``. Silero VAD (``VoiceActivityDetector``, as in the
audio node) judges each window from a fresh state, so every frame is judged with up to a second
of audio before it, and only the frames that no earlier window covered are passed on to the
segmenter: each frame is classified once, with context, at 4 windows a second.
"""

from dataclasses import dataclass

from emotion_ros.audio.audio_ring import Window
from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings, StreamEvent
from emotion_ros.audio.voice_activity import FRAME, VoiceActivityDetector
from emotion_ros.speech.utterance_segmenter import (
    FRAME_NS,
    SegmenterSettings,
    Utterance,
    UtteranceSegmenter,
)
from emotion_ros.timestamps import NS_PER_S

VAD_CONTEXT_S = 1.024  # 32 VAD frames
VAD_HOP_S = 0.256  # 8 VAD frames: an utterance's end is seen at most this late
VAD_CONTEXT_NS = round(VAD_CONTEXT_S * NS_PER_S)


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
        return [u for window in windows for u in self._judge(window)], events

    def flush(self) -> list[Utterance]:
        """The input stopped: judge the audio no window has covered yet (up to a hop and the
        first window's length) and end the utterance in progress; return what that completes.

        Audio that arrives later goes on as before, from where the judged frames end.
        """
        ring = self.audio.ring
        if ring.end_ns is None:
            return []
        judged_ns = ring.start_ns if self._judged_until_ns is None else self._judged_until_ns
        end_ns = judged_ns + (ring.end_ns - judged_ns) // FRAME_NS * FRAME_NS
        utterances = []
        if end_ns > judged_ns:  # whole frames on the windows' grid, with up to a window before
            frames = min(VAD_CONTEXT_NS, end_ns - ring.start_ns) // FRAME_NS
            utterances += self._judge(ring.window(end_ns, frames * FRAME_NS / NS_PER_S))
        last = self.segmenter.flush()
        return utterances + ([] if last is None else [last])

    def _judge(self, window: Window) -> list[Utterance]:
        """Run the VAD over ``window`` and pass on the frames no earlier window covered."""
        probabilities = self.vad.frame_probabilities(window.samples)
        frames = len(probabilities)
        first = 0
        if self._judged_until_ns is not None:
            first = max(0, frames - (window.end_ns - self._judged_until_ns) // FRAME_NS)
        new = window.samples[first * FRAME : frames * FRAME]
        start_ns = window.start_ns + first * FRAME_NS
        # a window of the hop grid after a flush may end before the frames the flush judged
        self._judged_until_ns = max(self._judged_until_ns or 0, window.start_ns + frames * FRAME_NS)
        return self.segmenter.add(new, start_ns, probabilities[first:])
