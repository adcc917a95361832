"""The ``main`` of every node: init, build, start, spin until Ctrl-C or shutdown, clean up.

A node whose constructor raises one of ``startup_errors`` (an unreadable file, a bad parameter)
logs a fatal line naming the problem and exits with code 1 instead of a traceback. Lifecycle
nodes define ``start()``, which walks them to *active* unless ``autostart`` is false.
``<node> --help`` prints the node's parameters and exits without starting anything (a camera
source would otherwise start publishing).
"""

import inspect
import sys
from collections.abc import Callable, Mapping
from typing import Any

import rclpy
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node

from emotion_ros.node_config import ConfigError, node_defaults, parameter_help
from emotion_ros.ros.dds_profile import use_large_frame_profile


def declare_parameters(
    node: Node, config_name: str, descriptions: dict[str, str]
) -> dict[str, Any]:
    """Declare ``{name: description}`` on ``node``; return the values in effect.

    The defaults are those of ``config/<config_name>.yaml`` (the one place they are written), so
    ``ros2 run`` without a parameter file behaves as the file says.

    Raises:
        ConfigError: the file lacks one of the parameters.
    """
    defaults = node_defaults(config_name)
    missing = sorted(set(descriptions) - set(defaults))
    if missing:
        raise ConfigError(f"config/{config_name}.yaml has no value for {missing}")
    return {
        name: node.declare_parameter(
            name, defaults[name], ParameterDescriptor(description=text)
        ).value
        for name, text in descriptions.items()
    }


def wants_help(args: list[str] | None) -> bool:
    """True when the command line asks for help outside ``--ros-args`` (``face_node --help``)."""
    from rclpy.utilities import remove_ros_args

    return bool({"-h", "--help"} & set(remove_ros_args(sys.argv if args is None else args)))


def run_node(
    factory: Callable[[], Node],
    name: str,
    args: list[str] | None = None,
    *,
    descriptions: Mapping[str, str],
    startup_errors: tuple[type[Exception], ...] = (),
) -> int:
    """Run the node made by ``factory`` until shutdown; return the process exit code.

    ``descriptions`` are the node's parameters (name: description) for ``--help``.
    """
    if wants_help(args):
        summary = (inspect.getdoc(inspect.getmodule(factory)) or "").split("\n\n")[0]
        print(parameter_help(name, descriptions, summary))
        return 0
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
