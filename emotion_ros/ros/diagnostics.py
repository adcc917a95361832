"""A periodic /diagnostics publisher, so that every node reports its health the same way.

Robots aggregate ``/diagnostics`` with ``diagnostic_aggregator`` (see
config/diagnostics_analyzers.yaml); publishing on a timer rather than per message keeps the cost
independent of the frame rate.
"""

from collections.abc import Callable

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rclpy.node import Node

StatusFn = Callable[[], tuple[int, str, dict[str, str]]]

# Levels as ints (the message field is a single byte).
OK = 0
WARN = 1
ERROR = 2


class DiagnosticsPublisher:
    """Publishes one ``DiagnosticStatus`` named ``"<node name>: <name>"`` every ``period_s``.

    ``status_fn`` returns ``(level, message, values)``; it runs in the node's executor, so it must
    be cheap (read counters, do not compute).
    """

    def __init__(
        self,
        node: Node,
        name: str,
        hardware_id: str,
        status_fn: StatusFn,
        period_s: float = 1.0,
    ) -> None:
        self._node = node
        self._name = f"{node.get_name()}: {name}"
        self._hardware_id = hardware_id
        self._status_fn = status_fn
        self._publisher = node.create_publisher(DiagnosticArray, "/diagnostics", 10)
        self._timer = node.create_timer(period_s, self.publish)

    def publish(self) -> None:
        """Publish the current status now."""
        level, message, values = self._status_fn()
        status = DiagnosticStatus(
            level=bytes([level]),
            name=self._name,
            message=message,
            hardware_id=self._hardware_id,
            values=[KeyValue(key=key, value=str(value)) for key, value in values.items()],
        )
        array = DiagnosticArray(status=[status])
        array.header.stamp = self._node.get_clock().now().to_msg()
        self._publisher.publish(array)

    def destroy(self) -> None:
        """Stop publishing (for lifecycle cleanup)."""
        self._node.destroy_timer(self._timer)
        self._node.destroy_publisher(self._publisher)
