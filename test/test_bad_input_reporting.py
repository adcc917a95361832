"""How nodes report refused input: throttled per kind, counted per kind, through rclpy's logger."""

import pytest

from emotion_ros.ros.bad_input import BadInputReport
from emotion_ros.ros.log_throttle import KeyedThrottle
from emotion_ros.validation.invalid_input import InvalidInput


class RecordingLogger:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def error(self, message: str) -> None:
        self.lines.append(("error", message))

    def warning(self, message: str) -> None:
        self.lines.append(("warning", message))


def test_rclpy_ties_one_severity_to_each_line_that_logs():
    """Why the throttle has a logging line per severity: the audio node died of this."""
    import rclpy.logging

    logger = rclpy.logging.get_logger("severity_per_call_site")

    def log_through(log_fn):
        log_fn("message")

    log_through(logger.error)
    with pytest.raises(ValueError, match="severity cannot be changed"):
        log_through(logger.warning)


def test_one_throttle_logs_errors_and_warnings_through_one_rclpy_logger():
    import rclpy.logging

    logger = rclpy.logging.get_logger("keyed_throttle_both_severities")
    throttle = KeyedThrottle(period_s=0.0)
    for _ in range(2):  # the second round reuses every call site
        throttle.error(logger, "reset", "audio buffer reset: sample rate changed")
        throttle.warning(logger, "gap", "gap of 80 ms in the audio stamps")
        BadInputReport(logger).refused(InvalidInput("chunk_length", "3 bytes"), "dropped")


def test_each_kind_is_logged_at_once_then_once_per_period_with_the_count_it_held_back():
    logger = RecordingLogger()
    throttle = KeyedThrottle(period_s=3600.0)
    throttle.error(logger, "encoding", "first")
    throttle.error(logger, "encoding", "second")
    throttle.warning(logger, "gap", "a gap")  # another kind is not held back by the first
    throttle.error(logger, "encoding", "third")
    assert logger.lines == [("error", "first"), ("warning", "a gap")]
    throttle.period_s = 0.0
    throttle.error(logger, "encoding", "fourth")
    assert logger.lines[-1] == ("error", "fourth (2 more like this since the last report)")


def test_a_report_counts_every_refusal_and_names_the_kind_in_its_line():
    logger = RecordingLogger()
    report = BadInputReport(logger, period_s=3600.0)
    for kind in ("encoding", "encoding", "stamp_zero"):
        report.refused(InvalidInput(kind, f"bad {kind}"), "frame skipped")
    assert logger.lines == [
        ("error", "frame skipped (encoding): bad encoding"),
        ("error", "frame skipped (stamp_zero): bad stamp_zero"),
    ]
    assert report.counts.snapshot() == {"encoding": 2, "stamp_zero": 1}
