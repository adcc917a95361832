"""The ``main`` of every node: init, build, start, spin until Ctrl-C or shutdown, clean up.

A node whose constructor raises one of ``startup_errors`` (an unreadable file, a bad parameter)
logs a fatal line naming the problem and exits with code 1 instead of a traceback. Lifecycle
nodes define ``start()``, which walks them to *active* unless ``autostart`` is false.
"""

from collections.abc import Callable
from typing import Any

import rclpy
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node

from emotion_ros.ros.dds_profile import use_large_frame_profile


def declare_parameters(node: Node, specs: dict[str, tuple[Any, str]]) -> dict[str, Any]:
    """Declare ``{name: (default, description)}`` on ``node``; return the values in effect."""
    return {
        name: node.declare_parameter(name, default, ParameterDescriptor(description=text)).value
        for name, (default, text) in specs.items()
    }


def run_node(
    factory: Callable[[], Node],
    name: str,
    args: list[str] | None = None,
    startup_errors: tuple[type[Exception], ...] = (),
) -> int:
    """Run the node made by ``factory`` until shutdown; return the process exit code."""
    use_large_frame_profile()
    rclpy.init(args=args)
    try:
        node = factory()
    except startup_errors as exc:
        rclpy.logging.get_logger(name).fatal(f"cannot start: {exc}")
        rclpy.try_shutdown()
        return 1
    try:
        start = getattr(node, "start", None)
        if start is not None:
            start()
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    return 0
