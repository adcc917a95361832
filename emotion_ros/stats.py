"""Rate and latency statistics for the nodes' diagnostics and the benchmarks (no ROS)."""

import threading
import time
from collections import deque

import numpy as np


class RateMeter:
    """Events per second over a sliding window of the last ``window_s`` seconds.

    Thread-safe, because subscription callbacks and the diagnostics timer may run in different
    threads of a multi-threaded executor.
    """

    def __init__(self, window_s: float = 5.0) -> None:
        self._window_ns = int(window_s * 1e9)
        self._times: deque[int] = deque()
        self._lock = threading.Lock()

    def tick(self, now_ns: int | None = None) -> None:
        """Record one event (at ``now_ns``, default the monotonic clock)."""
        now = time.monotonic_ns() if now_ns is None else now_ns
        with self._lock:
            self._times.append(now)
            self._trim(now)

    def rate(self, now_ns: int | None = None) -> float:
        """Return events per second over the window (0 when fewer than two events)."""
        now = time.monotonic_ns() if now_ns is None else now_ns
        with self._lock:
            self._trim(now)
            if len(self._times) < 2:
                return 0.0
            span = self._times[-1] - self._times[0]
            return (len(self._times) - 1) * 1e9 / span if span > 0 else 0.0

    def _trim(self, now: int) -> None:
        while self._times and now - self._times[0] > self._window_ns:
            self._times.popleft()


class LatencyWindow:
    """The last ``size`` latencies (seconds), for percentiles in diagnostics and benchmarks."""

    def __init__(self, size: int = 300) -> None:
        self._values: deque[float] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        """Record one latency."""
        with self._lock:
            self._values.append(seconds)

    def __len__(self) -> int:
        return len(self._values)

    def percentiles(self, *qs: float) -> tuple[float, ...]:
        """Return the requested percentiles (0-100); NaN for each when nothing was recorded."""
        with self._lock:
            values = np.fromiter(self._values, dtype=np.float64)
        if values.size == 0:
            return tuple(float("nan") for _ in qs)
        return tuple(float(v) for v in np.percentile(values, qs))
