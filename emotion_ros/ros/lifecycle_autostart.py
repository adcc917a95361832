"""Lifecycle nodes that configure and activate themselves unless told not to.

Loading MediaPipe or the ONNX models is heavy, so those nodes are lifecycle nodes (the model is
loaded in ``configure`` and released in ``cleanup``). A lifecycle manager, or ``launch_ros``'s
``LifecycleNode(autostart=...)``, can drive them; for ``ros2 run`` and the project's own graph
runner the ``autostart`` parameter (default true) walks them to *active* right after start-up.
The node is created first, so DDS discovery of the graph runs while ``configure`` loads and warms
the models; reaching *active* is logged with the time each step took (the "ready" line that a
respawn is timed by, bench/bench_startup.py).
"""

import time

from rclpy.lifecycle import Node as LifecycleNode
from rclpy.lifecycle import TransitionCallbackReturn

from emotion_ros.parameter_spec import Param
from emotion_ros.ros.node_runner import declare_parameters

PARAMETERS = {
    "autostart": Param(
        "Configure and activate the node at start-up (false: wait for a lifecycle manager)."
    ),
}


def autostart(node: LifecycleNode) -> bool:
    """Trigger configure then activate; return True when the node reached *active*.

    A failed transition is logged by the node's own callbacks; this only reports which step failed.
    """
    started = time.monotonic()
    if node.trigger_configure() != TransitionCallbackReturn.SUCCESS:
        node.get_logger().error("autostart: configure failed; the node stays unconfigured")
        return False
    configured = time.monotonic()
    if node.trigger_activate() != TransitionCallbackReturn.SUCCESS:
        node.get_logger().error("autostart: activate failed; the node stays inactive")
        return False
    node.get_logger().info(
        f"autostart: active (configure {configured - started:.2f} s, "
        f"activate {time.monotonic() - configured:.2f} s)"
    )
    return True


class AutostartLifecycleNode(LifecycleNode):
    """A lifecycle node with the ``autostart`` parameter; ``start()`` applies it."""

    def __init__(self, node_name: str, **kwargs: object) -> None:
        super().__init__(node_name, **kwargs)
        self._autostart = declare_parameters(self, node_name, PARAMETERS)["autostart"]

    @staticmethod
    def parameter_table(parameters: dict[str, Param]) -> dict[str, Param]:
        """A subclass's own parameters plus ``autostart`` (for ``--help``)."""
        return {**PARAMETERS, **parameters}

    def start(self) -> None:
        """Walk to *active* unless a lifecycle manager is in charge (``autostart: false``)."""
        if self._autostart:
            autostart(self)
