"""The voice-activity gate: speech passes; silence, noise and a motor's hum do not (no ROS)."""

import numpy as np
import pytest

from emotion_ros.audio.voice_activity import VoiceActivityDetector
from emotion_ros.training.features.speech_data import MIN_SPEECH_FRACTION

from synthetic_speech import speak

RATE = 16_000


@pytest.fixture(scope="module")
def vad():
    return VoiceActivityDetector()


def two_seconds(samples: np.ndarray) -> np.ndarray:
    window = np.zeros(2 * RATE, np.float32)
    window[: min(len(samples), len(window))] = samples[: len(window)]
    return window


def test_espeak_speech_in_several_voices_passes_the_gate(vad):
    for voice in ("en+m1", "en+f3", "en-us+m2"):
        speech = speak("Please put the cup on the table now.", 50, 160, 120, voice=voice)
        assert vad.speech_fraction(two_seconds(speech)) > 2 * MIN_SPEECH_FRACTION, voice


@pytest.mark.parametrize(
    "kind", ["silence", "white noise", "brown noise", "motor hum", "fan"]
)  # fmt: skip
def test_windows_without_speech_are_stopped_by_the_gate(vad, kind):
    rng = np.random.default_rng(0)
    t = np.arange(2 * RATE) / RATE
    window = {
        "silence": np.zeros(2 * RATE),
        "white noise": rng.normal(0, 0.1, 2 * RATE),
        "brown noise": np.cumsum(rng.normal(0, 0.003, 2 * RATE)),
        "motor hum": 0.3 * np.sin(2 * np.pi * 100 * t) + 0.1 * np.sin(2 * np.pi * 300 * t),
        "fan": np.convolve(rng.normal(0, 0.2, 2 * RATE), np.ones(8) / 8, "same")
        * (1 + 0.3 * np.sin(2 * np.pi * 25 * t)),
    }[kind].astype(np.float32)
    assert vad.speech_fraction(window) < MIN_SPEECH_FRACTION


def test_speech_under_noise_still_passes(vad):
    speech = two_seconds(speak("The meeting starts at ten in the morning.", 50, 160, 120))
    noisy = speech + np.random.default_rng(1).normal(0, 0.02, len(speech)).astype(np.float32)
    assert vad.speech_fraction(noisy) > MIN_SPEECH_FRACTION


def test_a_window_shorter_than_one_frame_has_no_speech(vad):
    assert vad.speech_fraction(np.zeros(100, np.float32)) == 0.0
    assert vad.frame_probabilities(np.zeros(0, np.float32)).shape == (0,)
