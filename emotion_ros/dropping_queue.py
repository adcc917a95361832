"""A bounded hand-off from a subscription callback to a worker thread (no ROS): the face node's
camera frames, the speech node's utterances.

Holding only the newest item drops one whenever a single inference is late (a garbage
collection, a busy core), although the worker keeps up on average. Holding a few absorbs that
jitter; the bound keeps memory and the delay behind the input at most ``capacity`` items. When
the queue is full the oldest item goes (it is the most out of date) and is counted.
"""

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class DroppingQueue(Generic[T]):
    """First-in first-out, at most ``capacity`` items; a put into a full queue drops the oldest."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"the queue needs room for at least one item, got {capacity}")
        self._items: deque[T] = deque()
        self._capacity = capacity
        self._condition = threading.Condition()
        self._closed = False
        self.dropped = 0

    def put(self, item: T) -> bool:
        """Add ``item``; return True when an older item was dropped to make room."""
        with self._condition:
            dropped = len(self._items) >= self._capacity
            if dropped:
                self._items.popleft()
                self.dropped += 1
            self._items.append(item)
            self._condition.notify()
            return dropped

    def get(self) -> T | None:
        """The oldest item, waiting for one; None once the queue is closed."""
        with self._condition:
            self._condition.wait_for(lambda: self._items or self._closed)
            if self._closed:
                return None
            return self._items.popleft()

    def close(self) -> None:
        """Wake the worker and make every later ``get`` return None."""
        with self._condition:
            self._closed = True
            self._items.clear()
            self._condition.notify_all()

    def __len__(self) -> int:
        with self._condition:
            return len(self._items)
