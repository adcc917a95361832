"""Audio windows with what the fusion reads of them: the share of speech and the log-mel features.

One step for the audio node (which publishes them in AudioWindow) and the offline graph (which
hands them to FrameFusion directly), so offline figures are made from the windows the graph
sees: the same ``AudioStream`` grid, the same voice-activity detector (``voice_activity``: Silero
VAD, or -1 "unknown" without it) and the same log-mel features.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from emotion_ros.audio.audio_ring import Window
from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings, StreamEvent
from emotion_ros.audio.features import DEFAULT_LOG_MEL, log_mel
from emotion_ros.audio.voice_activity import VoiceActivityDetector
from emotion_ros.node_config import settings_from


@dataclass(frozen=True)
class FeatureWindow:
    """One window, its speech fraction (-1: unknown) and its log-mel features (None: not asked
    for, e.g. an audio node that publishes samples only)."""

    window: Window
    speech_fraction: float
    log_mel: np.ndarray | None


class AudioFeatureStream:
    """``AudioStream`` (``stream``) followed by voice activity and log-mel features per window."""

    def __init__(self, settings: AudioStreamSettings, voice_activity: bool) -> None:
        self.stream = AudioStream(settings)
        self._vad = VoiceActivityDetector() if voice_activity else None

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> "AudioFeatureStream":
        """From the audio node's parameters (config/audio_node.yaml)."""
        return cls(settings_from(AudioStreamSettings, parameters), parameters["voice_activity"])

    def add_chunk(
        self,
        data: bytes,
        sample_format: str,
        channels: int,
        sample_rate: int,
        stamp_ns: int,
        *,
        features: bool = True,
    ) -> tuple[list[FeatureWindow], list[StreamEvent]]:
        """``AudioStream.add_chunk``, each completed window with its speech fraction and, with
        ``features``, its log-mel features (the audio node's ``publish`` may leave them out).

        Raises:
            InvalidInput: see ``AudioStream.add_chunk`` (the chunk is dropped).
        """
        windows, events = self.stream.add_chunk(
            data, sample_format, channels, sample_rate, stamp_ns
        )
        return [self._analysed(window, features) for window in windows], events

    def _analysed(self, window: Window, features: bool) -> FeatureWindow:
        fraction = -1.0 if self._vad is None else self._vad.speech_fraction(window.samples)
        mel = log_mel(window.samples, DEFAULT_LOG_MEL) if features else None
        return FeatureWindow(window, fraction, mel)
