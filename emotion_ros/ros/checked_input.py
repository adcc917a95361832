"""One way in for every message another process sends a node: stamp, validator, report.

Each node takes what it reads (face node: images; audio and speech node: audio chunks and
audio_info; fusion node: landmarks, audio windows and transcripts; overlay node: images,
landmarks and emotions) through one ``CheckedInput``. It checks the header stamp against the
node's clock (``validation.stamps``), runs the message's validator (``validation/``,
``vision.image_conversion``), and reports through the node's one ``BadInputReport`` both a refused
message and each problem the validator let through (a face without its crop): one throttled ERROR
per kind and a ``refused: <kind>`` counter on /diagnostics. So a new input gets the same checks
and the same report by writing its validator, and a node has no refusal counter of its own.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from rclpy.node import Node

from emotion_ros.ros.bad_input import BadInputReport
from emotion_ros.timestamps import stamp_to_ns
from emotion_ros.validation.invalid_input import InvalidInput
from emotion_ros.validation.stamps import check_stamp

T = TypeVar("T")


class CheckedInput:
    """The checks and the bad-input report of one node's inputs; thread-safe (the face node
    checks its frames on its worker thread)."""

    def __init__(self, node: Node) -> None:
        self._clock = node.get_clock()
        self.report = BadInputReport(node.get_logger())

    def take(self, msg: Any, validate: Callable[[Any], T], what: str) -> tuple[int, T] | None:
        """``(stamp ns, validate(msg))``, or None when ``msg`` is refused (``"<what> dropped"``).

        A value with ``problems`` (the validators of messages that are used in part) has each
        reported too, as ``what``.
        """
        try:
            stamp_ns = check_stamp(stamp_to_ns(msg.header.stamp), self.now_ns())
            value = validate(msg)
        except InvalidInput as exc:
            self.report.refused(exc, f"{what} dropped")
            return None
        for problem in getattr(value, "problems", ()):
            self.report.refused(problem, what)
        return stamp_ns, value

    def now_ns(self) -> int:
        """The node's clock: what stamps are checked against, and the stamp of an unstamped
        message (AudioData) on arrival."""
        return self._clock.now().nanoseconds

    def diagnostic_values(self) -> dict[str, str]:
        """``refused input`` and ``refused: <kind>`` for the node's /diagnostics status."""
        return self.report.counts.diagnostic_values()
