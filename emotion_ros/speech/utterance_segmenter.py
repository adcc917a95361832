"""Cuts a stream of 32 ms voice-activity frames into utterances (speech between pauses).

A recogniser wants one utterance at a time: a whole sentence gives its language model context,
and the transcript can be stamped with when the words were said. An utterance starts at the first
frame whose speech probability reaches the threshold and ends once ``min_silence_s`` of frames
below it follow (a breath inside a sentence is shorter). ``padding_s`` of audio is kept on both
sides, because the VAD marks the onset of a word a frame or two late and a recogniser misses a
clipped first phoneme. Bursts shorter than ``min_speech_s`` (a cough, a door) are dropped; speech
longer than ``max_utterance_s`` is cut there, so a recogniser's delay stays bounded.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np

from emotion_ros.audio.voice_activity import FRAME, SAMPLE_RATE
from emotion_ros.timestamps import NS_PER_S

FRAME_NS = FRAME * NS_PER_S // SAMPLE_RATE


@dataclass(frozen=True)
class SegmenterSettings:
    """The speech node's segmentation parameters (config/speech_node.yaml documents them)."""

    vad_threshold: float
    min_silence_s: float
    min_speech_s: float
    max_utterance_s: float
    padding_s: float


@dataclass(frozen=True)
class Utterance:
    """16 kHz mono samples captured from ``start_ns`` to ``end_ns`` (just after the last one)."""

    samples: np.ndarray
    start_ns: int
    end_ns: int

    @property
    def seconds(self) -> float:
        """Length of the audio in seconds."""
        return len(self.samples) / SAMPLE_RATE


class UtteranceSegmenter:
    """Frame by frame: idle (keeping ``padding_s`` of audio) or inside an utterance."""

    def __init__(self, settings: SegmenterSettings) -> None:
        if settings.max_utterance_s <= settings.min_speech_s:
            raise ValueError("max_utterance_s must be longer than min_speech_s")
        self.settings = settings
        self._frames_per_second = SAMPLE_RATE / FRAME
        self._padding = round(settings.padding_s * self._frames_per_second)
        self.silence_frames = max(1, round(settings.min_silence_s * self._frames_per_second))
        self._min_speech = round(settings.min_speech_s * self._frames_per_second)
        self._max_frames = round(settings.max_utterance_s * self._frames_per_second)
        self._before: deque[tuple[int, np.ndarray]] = deque(maxlen=max(1, self._padding))
        self._frames: list[np.ndarray] = []  # the current utterance, padding included
        self._start_ns = 0
        self._speech_frames = 0
        self._since_speech = 0
        self.dropped_short = 0

    @property
    def in_utterance(self) -> bool:
        """True while an utterance has started and not yet ended."""
        return bool(self._frames)

    def reset(self) -> None:
        """Forget the utterance in progress: the stream restarted (a new timeline)."""
        self._before.clear()
        self._frames = []

    def add(self, samples: np.ndarray, start_ns: int, probabilities: np.ndarray) -> list[Utterance]:
        """Add whole VAD frames of ``samples`` (16 kHz) that start at ``start_ns``, with their
        speech probabilities; return the utterances they complete."""
        done = []
        for k, probability in enumerate(probabilities):
            frame = samples[k * FRAME : (k + 1) * FRAME]
            utterance = self._add_frame(frame, start_ns + k * FRAME_NS, probability)
            if utterance is not None:
                done.append(utterance)
        return done

    def _add_frame(self, frame: np.ndarray, frame_ns: int, probability: float) -> Utterance | None:
        speech = probability >= self.settings.vad_threshold
        if not self._frames:
            if not speech:
                if self._padding:
                    self._before.append((frame_ns, frame))
                return None
            self._start_ns = self._before[0][0] if self._before else frame_ns
            self._frames = [f for _, f in self._before]
            self._before.clear()
            self._speech_frames = self._since_speech = 0
        self._frames.append(frame)
        if speech:
            self._speech_frames += 1
            self._since_speech = 0
        else:
            self._since_speech += 1
        if self._since_speech >= self.silence_frames:
            return self.flush()  # keeps padding_s after the last speech frame
        if len(self._frames) >= self._max_frames:
            return self._finish(len(self._frames))
        return None

    def flush(self) -> Utterance | None:
        """End the utterance in progress, as a pause would: the input stopped (a microphone
        turned off, the end of a file), and no pause will ever follow its last words."""
        if not self._frames:
            return None
        return self._finish(len(self._frames) - self._since_speech + self._padding)

    def _finish(self, keep: int) -> Utterance | None:
        frames, self._frames = self._frames, []
        keep = min(keep, len(frames))
        if self._padding:  # the silence after the utterance pads the next one
            self._before.extend(
                (self._start_ns + k * FRAME_NS, frames[k]) for k in range(keep, len(frames))
            )
        if self._speech_frames < self._min_speech:
            self.dropped_short += 1
            return None
        return Utterance(
            np.concatenate(frames[:keep]), self._start_ns, self._start_ns + keep * FRAME_NS
        )
