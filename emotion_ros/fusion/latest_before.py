"""Chooses what describes a camera frame among stamped inputs: the latest that ends at or before it.

Audio windows arrive every hop (0.5 s by default) stamped with their END time, so "the two seconds
before the frame" is the latest window whose end is not after the frame's stamp; transcripts
(stamped with the end of their utterance) are chosen the same way. An input that ends more than
``max_age_s`` before the frame is too old to describe it, and that modality counts as missing.
"""

import bisect
from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Stamped(Generic[T]):
    """An input's end stamp (ns) and its payload (audio features, a transcript's scores)."""

    end_ns: int
    payload: T


class LatestBefore(Generic[T]):
    """Keeps the most recent inputs (by end stamp) and picks the one for a frame stamp."""

    def __init__(self, max_age_s: float, capacity: int = 64) -> None:
        self.set_max_age(max_age_s)
        self._items: deque[Stamped[T]] = deque(maxlen=capacity)

    def set_max_age(self, max_age_s: float) -> None:
        """Inputs older than this before a frame no longer describe it (kept inputs stay)."""
        self.max_age_ns = int(max_age_s * 1e9)

    def add(self, end_ns: int, payload: T) -> None:
        """Add an input. One that ends before the newest kept one means the stream restarted."""
        if self._items and end_ns <= self._items[-1].end_ns:
            self._items.clear()
        self._items.append(Stamped(end_ns, payload))

    def select(self, frame_ns: int) -> Stamped[T] | None:
        """Return the latest input ending at or before ``frame_ns`` and not older than max age."""
        ends = [item.end_ns for item in self._items]
        index = bisect.bisect_right(ends, frame_ns) - 1
        if index < 0:
            return None
        item = self._items[index]
        return item if frame_ns - item.end_ns <= self.max_age_ns else None

    def __len__(self) -> int:
        return len(self._items)
