"""The one error type of the input validators, and per-kind counts of what a node refused.

A flood of one problem must neither hide another nor fill the log, so nodes throttle their log
lines and count refusals per ``kind`` ("encoding", "landmark_count", ...), not per line of code.
"""

import threading


class InvalidInput(ValueError):
    """A message, or a part of one, that a node cannot use; the message says why.

    ``kind`` names the problem in a few words (snake_case), the same for every message that has
    it: the key of the node's log throttle and of its /diagnostics counter.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def quoted(text: str, limit: int = 40) -> str:
    """``repr`` of a foreign string, shortened: a 300-character encoding must not flood the log."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text)} characters)"


class InputCounts:
    """How many inputs a node refused, per kind; thread-safe (a worker thread counts, the
    diagnostics timer reads)."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, kind: str) -> None:
        """Count one refusal of ``kind``."""
        with self._lock:
            self._counts[kind] = self._counts.get(kind, 0) + 1

    def snapshot(self) -> dict[str, int]:
        """The counts so far, by kind."""
        with self._lock:
            return dict(self._counts)

    def diagnostic_values(self) -> dict[str, str]:
        """``{"refused input": total, "refused: <kind>": count, ...}`` for a /diagnostics status."""
        counts = self.snapshot()
        values = {"refused input": str(sum(counts.values()))}
        values.update({f"refused: {kind}": str(n) for kind, n in sorted(counts.items())})
        return values
