"""A ring buffer of the last N seconds of 16 kHz mono audio on a capture-time timeline.

Sample k of the current segment was captured at ``start_ns + k / sample_rate``: time comes from
counting samples, not from chunk stamps, so stamp jitter does not stretch or squeeze the audio.
Zero-filled stretches (gaps in the input) are remembered, so a window can say how much of it is
silence that nobody recorded.
"""

from dataclasses import dataclass

import numpy as np

from emotion_ros.timestamps import NS_PER_S


@dataclass(frozen=True)
class Window:
    """Samples covering [start_ns, end_ns) and how many seconds of them were zero-filled."""

    samples: np.ndarray
    start_ns: int
    end_ns: int
    gap_seconds: float


class AudioRing:
    """Holds the most recent ``capacity_s`` seconds of one contiguous segment."""

    def __init__(self, sample_rate: int = 16_000, capacity_s: float = 10.0) -> None:
        self.sample_rate = sample_rate
        self.capacity = int(capacity_s * sample_rate)
        self._buffer = np.zeros(self.capacity, dtype=np.float32)
        self._gaps: list[tuple[int, int]] = []  # zero-filled [start, end) in segment sample indices
        self.start_ns: int | None = None
        self._total = 0  # samples appended since the segment started

    def reset(self, start_ns: int) -> None:
        """Start a new segment whose first sample is captured at ``start_ns``."""
        self.start_ns = start_ns
        self._total = 0
        self._gaps.clear()

    @property
    def end_ns(self) -> int | None:
        """Capture time just after the newest sample (None before the first segment)."""
        if self.start_ns is None:
            return None
        return self.start_ns + self._total * NS_PER_S // self.sample_rate

    @property
    def fill_seconds(self) -> float:
        """Seconds of audio currently held."""
        return min(self._total, self.capacity) / self.sample_rate

    def append(self, samples: np.ndarray, zero_filled: bool = False) -> None:
        """Append samples; ``zero_filled`` marks them as a gap that was filled with silence."""
        if self.start_ns is None:
            raise RuntimeError("reset(start_ns) must be called before the first append")
        samples = np.asarray(samples, dtype=np.float32)[-self.capacity :]
        n = len(samples)
        if zero_filled and n:
            self._gaps.append((self._total, self._total + n))
        index = np.arange(self._total, self._total + n) % self.capacity
        self._buffer[index] = samples
        self._total += n
        oldest = self._total - self.capacity
        self._gaps = [(a, b) for a, b in self._gaps if b > oldest]

    def window(self, end_ns: int, seconds: float) -> Window | None:
        """Return the ``seconds`` of audio ending at ``end_ns`` (None unless all of it is held)."""
        if self.start_ns is None:
            return None
        length = round(seconds * self.sample_rate)
        end = round((end_ns - self.start_ns) * self.sample_rate / NS_PER_S)
        start = end - length
        if start < max(0, self._total - self.capacity) or end > self._total:
            return None
        samples = self._buffer[np.arange(start, end) % self.capacity]
        gap = sum(max(0, min(b, end) - max(a, start)) for a, b in self._gaps)
        return Window(
            samples,
            self.start_ns + start * NS_PER_S // self.sample_rate,
            self.start_ns + end * NS_PER_S // self.sample_rate,
            gap / self.sample_rate,
        )
