"""AudioWindow from another process -> the log-mel features the audio model takes.

The audio model reads (frames_for(config), n_mels) log-mel features of a two-second 16 kHz
window. A window brings them (``feature_type`` log_mel with exactly that ``feature_shape``) or
brings its samples (exactly the window's count at the model's rate), from which they are computed
here; anything else is refused, because torch.stft fails on a window shorter than its FFT and a
window of another length would give the model a shape it was not trained on. Samples must be
finite and within ±MAX_SAMPLE (the message says [-1, 1]; headroom for a float pipeline that
overshoots), features finite and within ±MAX_FEATURE: a NaN would make every emotion NaN.

A ``speech_fraction`` that is neither -1 nor in [0, 1] counts as unknown (the window votes, as
without a voice-activity detector) and comes back as a problem.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from emotion_ros.audio.features import DEFAULT_LOG_MEL, LogMelConfig, frames_for, log_mel
from emotion_ros.validation.invalid_input import InvalidInput, quoted

FEATURE_LOG_MEL = "log_mel"  # AudioWindow.FEATURE_LOG_MEL, without importing the message
MAX_SAMPLE = 10.0
MAX_FEATURE = 1e3  # log-mel values lie between log(1e-6) = -13.8 and about 25


@dataclass(frozen=True)
class AudioWindowInput:
    """What the fusion takes from one window, and what was wrong with its optional fields."""

    log_mel: np.ndarray
    speech_fraction: float
    problems: list[InvalidInput] = field(default_factory=list)


def audio_window_input(msg: Any, config: LogMelConfig = DEFAULT_LOG_MEL) -> AudioWindowInput:
    """Check an AudioWindow (any object with its fields) and return its log-mel features.

    Raises:
        InvalidInput: ``feature_shape`` / ``feature_values`` for log-mel features of another
            shape or with bad values, ``sample_rate`` / ``sample_count`` / ``sample_values`` for
            samples the model cannot take, ``feature_type`` for other features without samples,
            ``empty_window`` for neither.
    """
    if msg.feature_type == FEATURE_LOG_MEL and len(msg.features):
        features = _features(msg.feature_shape, msg.features, config)
    elif len(msg.samples):
        features = log_mel(_samples(msg.sample_rate, msg.samples, config), config)
    elif len(msg.features):
        raise InvalidInput(
            "feature_type",
            f"feature_type {quoted(msg.feature_type)} without samples; the audio model takes "
            f"{FEATURE_LOG_MEL!r} features or the samples",
        )
    else:
        raise InvalidInput("empty_window", "audio window with neither samples nor features")
    problems: list[InvalidInput] = []
    speech = float(msg.speech_fraction)
    if not (speech == -1.0 or 0.0 <= speech <= 1.0):
        problems.append(
            InvalidInput(
                "speech_fraction", f"speech_fraction {speech} (-1 or 0..1); taken as unknown"
            )
        )
        speech = -1.0
    return AudioWindowInput(features, speech, problems)


def _features(shape: Any, values: Any, config: LogMelConfig) -> np.ndarray:
    expected = (frames_for(config), config.n_mels)
    if tuple(shape) != expected or len(values) != expected[0] * expected[1]:
        raise InvalidInput(
            "feature_shape",
            f"log-mel features of shape {list(shape)[:8]} with {len(values)} values; the audio "
            f"model takes {list(expected)}",
        )
    features = np.array(values, dtype=np.float32).reshape(expected)
    if not np.isfinite(features).all() or np.abs(features).max() > MAX_FEATURE:
        raise InvalidInput(
            "feature_values", f"log-mel features not finite or beyond ±{MAX_FEATURE:g}"
        )
    return features


def _samples(sample_rate: int, values: Any, config: LogMelConfig) -> np.ndarray:
    if sample_rate != config.sample_rate:
        raise InvalidInput(
            "sample_rate",
            f"audio window at {sample_rate} Hz; the audio model needs {config.sample_rate} Hz "
            "(the audio node resamples to it)",
        )
    expected = round(config.window_seconds * config.sample_rate)
    if len(values) != expected:
        raise InvalidInput(
            "sample_count",
            f"audio window of {len(values)} samples; the audio model takes {expected} "
            f"({config.window_seconds:g} s at {config.sample_rate} Hz)",
        )
    samples = np.array(values, dtype=np.float32)
    if not np.isfinite(samples).all() or np.abs(samples).max() > MAX_SAMPLE:
        raise InvalidInput("sample_values", f"audio samples not finite or beyond ±{MAX_SAMPLE:g}")
    return samples
