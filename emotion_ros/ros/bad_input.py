"""What a node does with input it refuses: count it per kind, log it throttled per kind.

Every node that reads other processes' messages reports refusals the same way, through the one
``BadInputReport`` of its ``CheckedInput`` (``ros/checked_input.py``): an ERROR line per kind at
once and then at most every ``period_s`` (with how many were not logged), and ``refused: <kind>``
counters in its /diagnostics status. The node keeps running.
"""

from emotion_ros.ros.log_throttle import KeyedThrottle, Logger
from emotion_ros.validation.invalid_input import InputCounts, InvalidInput


class BadInputReport:
    """Counts and logs the input one node refuses."""

    def __init__(self, logger: Logger, period_s: float = 5.0) -> None:
        self._logger = logger
        self._throttle = KeyedThrottle(period_s)
        self.counts = InputCounts()

    def refused(self, error: InvalidInput, what: str) -> None:
        """Count ``error`` and log ``"<what> (<kind>): <error>"`` throttled by its kind."""
        self.counts.add(error.kind)
        self._throttle.error(self._logger, error.kind, f"{what} ({error.kind}): {error}")
