"""Throttling of repeated errors per kind of problem, not per line of code.

rclpy's ``throttle_duration_sec`` throttles per call site, so after a wrong encoding a different
problem (an empty frame) in the next second would go unreported. A node logs through this with a
key per kind of problem: each kind is reported at once, then at most once per period, with a
count of how many were suppressed.
"""

import time
from collections.abc import Callable


class KeyedThrottle:
    """Decides whether a message of a given kind may be logged now."""

    def __init__(self, period_s: float = 5.0) -> None:
        self.period_s = period_s
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def log(self, log_fn: Callable[[str], object], key: str, message: str) -> None:
        """Call ``log_fn(message)`` unless a message with ``key`` was logged within the period."""
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.period_s:
            self._suppressed[key] = self._suppressed.get(key, 0) + 1
            return
        suppressed = self._suppressed.pop(key, 0)
        self._last[key] = now
        log_fn(
            f"{message} ({suppressed} more like this since the last report)"
            if suppressed
            else message
        )
