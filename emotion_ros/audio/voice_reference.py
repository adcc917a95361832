"""How the voices on a stream usually sound: what the audio model reads each window against.

Corpora, languages, rooms and microphones differ from each other more than one speaker's
emotions differ from each other, so a window's log-mel alone tells the model a lot about the
recording and little about the feeling. Read against the speaker's usual voice (speaker
normalisation), a louder, brighter window means the same thing in every room (issue 26).

The reference is the per-band mean and spread of the log-mel over the louder half of the frames
(the voice, not the pauses) of the windows that pass the speech gate, with a half-life so that a
new speaker takes over within a minute or two. Until the stream has said much, the voices the
model learned from (the audio card's ``voice_reference_prior``) fill in. Training builds each
speaker's reference from the same frames (``VoiceMoments``), so live and training references mean
the same thing.
"""

from dataclasses import dataclass

import numpy as np

MIN_SPREAD = 0.05  # log-mel units: a band that never moves (digital silence) is not divided by 0


def louder_half(log_mel: np.ndarray) -> np.ndarray:
    """Which frames of a window (..., frames, bands) are its louder half, by their mean over the
    bands: (..., frames) booleans. A batch of windows gives one mask per window."""
    energy = log_mel.mean(axis=-1)
    return energy >= np.median(energy, axis=-1, keepdims=True)


def speech_frames(log_mel: np.ndarray) -> np.ndarray:
    """The louder half of a window's frames: (frames', bands)."""
    return log_mel[louder_half(log_mel)]


@dataclass(frozen=True)
class VoiceMoments:
    """Frame count, per-band sums and sums of squares of log-mel frames (float64)."""

    count: float
    total: np.ndarray
    squares: np.ndarray

    @classmethod
    def of(cls, frames: np.ndarray) -> "VoiceMoments":
        """The moments of ``frames`` (frames, bands)."""
        x = np.asarray(frames, np.float64)
        return cls(float(len(x)), x.sum(axis=0), (x * x).sum(axis=0))

    @classmethod
    def of_reference(cls, reference: np.ndarray, count: float) -> "VoiceMoments":
        """Moments that ``count`` frames with the mean and spread of ``reference`` would have."""
        mean, spread = np.asarray(reference, np.float64)
        return cls(count, mean * count, (spread**2 + mean**2) * count)

    @classmethod
    def from_row(cls, row: np.ndarray) -> "VoiceMoments":
        """The moments packed by ``as_row``."""
        bands = (len(row) - 1) // 2
        return cls(float(row[0]), row[1 : 1 + bands], row[1 + bands :])

    def as_row(self) -> np.ndarray:
        """(1 + 2 * bands,) count, sums, sums of squares: moments to add and mix as arrays."""
        return np.concatenate([[self.count], self.total, self.squares])

    def __add__(self, other: "VoiceMoments") -> "VoiceMoments":
        return VoiceMoments(
            self.count + other.count, self.total + other.total, self.squares + other.squares
        )

    def scaled(self, factor: float) -> "VoiceMoments":
        """These moments weighted by ``factor`` (forgetting, or mixing speakers' classes)."""
        return VoiceMoments(self.count * factor, self.total * factor, self.squares * factor)

    def reference(self) -> np.ndarray:
        """(2, bands) float32: the mean and the spread of each band."""
        mean = self.total / max(self.count, 1e-9)
        variance = self.squares / max(self.count, 1e-9) - mean**2
        spread = np.sqrt(np.maximum(variance, MIN_SPREAD**2))
        return np.stack([mean, spread]).astype(np.float32)


class VoiceReference:
    """The running reference of one audio stream (the fusion node keeps one).

    ``prior``: (2, bands), the training voices' reference; it weighs as much as
    ``prior_windows`` windows of speech. Each new speech window halves the weight of what was
    heard ``half_life_windows`` windows before it.
    """

    def __init__(self, prior: np.ndarray, prior_windows: float, half_life_windows: float) -> None:
        self._prior = np.asarray(prior, np.float32)
        self._prior_windows = prior_windows
        self._decay = 0.5 ** (1.0 / half_life_windows)
        self._heard: VoiceMoments | None = None
        self._frames_per_window = 0
        self.windows_heard = 0

    def add(self, log_mel: np.ndarray) -> None:
        """Learn from one window that passed the speech gate (frames, bands)."""
        frames = speech_frames(log_mel)
        self._frames_per_window = len(frames)
        moments = VoiceMoments.of(frames)
        self._heard = moments if self._heard is None else self._heard.scaled(self._decay) + moments
        self.windows_heard += 1

    def reference(self) -> np.ndarray:
        """(2, bands) float32: the prior until speech is heard, then mostly the stream's."""
        if self._heard is None:
            return self._prior.copy()
        prior = VoiceMoments.of_reference(
            self._prior, self._prior_windows * self._frames_per_window
        )
        return (prior + self._heard).reference()
