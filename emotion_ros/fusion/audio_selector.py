"""Chooses the audio window for a camera frame: the one that ends at or just before the frame.

Audio windows arrive every hop (0.5 s by default) stamped with their END time, so "the two seconds
before the frame" is the latest window whose end is not after the frame's stamp. Windows that end
more than ``max_age_s`` before the frame are too old to describe it, and audio counts as missing.
Transcripts (stamped with the end of their utterance) are chosen the same way.
"""

import bisect
from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class StampedWindow(Generic[T]):
    """A window's end stamp (ns) and its payload (features, samples or the message)."""

    end_ns: int
    payload: T


class AudioWindowSelector(Generic[T]):
    """Keeps the most recent windows (by end stamp) and picks one for a frame stamp."""

    def __init__(self, max_age_s: float, capacity: int = 64) -> None:
        self.max_age_ns = int(max_age_s * 1e9)
        self._windows: deque[StampedWindow[T]] = deque(maxlen=capacity)

    def add(self, end_ns: int, payload: T) -> None:
        """Add a window. One that ends before the newest kept one means the stream restarted."""
        if self._windows and end_ns <= self._windows[-1].end_ns:
            self._windows.clear()
        self._windows.append(StampedWindow(end_ns, payload))

    def select(self, frame_ns: int) -> StampedWindow[T] | None:
        """Return the latest window ending at or before ``frame_ns`` and not older than max age."""
        ends = [w.end_ns for w in self._windows]
        index = bisect.bisect_right(ends, frame_ns) - 1
        if index < 0:
            return None
        window = self._windows[index]
        return window if frame_ns - window.end_ns <= self.max_age_ns else None

    def __len__(self) -> int:
        return len(self._windows)
