"""Throttling of repeated errors per kind of problem, not per line of code.

rclpy's ``throttle_duration_sec`` throttles per call site, so after a wrong encoding a different
problem (an empty frame) in the next second would go unreported. A node logs through this with a
key per kind of problem: each kind is reported at once, then at most once per period, with a
count of how many were suppressed.

rclpy also ties one severity to each line of code that logs (a second severity from the same line
raises ``ValueError: Logger severity cannot be changed between calls``), so each severity has its
own method and its own logging line here, and no line logs through a function it was handed.
"""

import threading
import time
from typing import Protocol


class Logger(Protocol):
    """What this needs of an rclpy logger (``node.get_logger()``)."""

    def error(self, message: str) -> object: ...

    def warning(self, message: str) -> object: ...


class KeyedThrottle:
    """Logs a message of a given kind unless one of that kind was logged within the period."""

    def __init__(self, period_s: float = 5.0) -> None:
        self.period_s = period_s
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}
        self._lock = threading.Lock()

    def error(self, logger: Logger, key: str, message: str) -> None:
        """Log ``message`` as an error unless ``key`` was logged within the period."""
        text = self._admit(key, message)
        if text is not None:
            logger.error(text)

    def warning(self, logger: Logger, key: str, message: str) -> None:
        """Log ``message`` as a warning unless ``key`` was logged within the period."""
        text = self._admit(key, message)
        if text is not None:
            logger.warning(text)

    def _admit(self, key: str, message: str) -> str | None:
        """The text to log now (with the count suppressed since the last one), or None."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.period_s:
                self._suppressed[key] = self._suppressed.get(key, 0) + 1
                return None
            suppressed = self._suppressed.pop(key, 0)
            self._last[key] = now
        if suppressed:
            return f"{message} ({suppressed} more like this since the last report)"
        return message
