"""The ``main`` of every node: declare its parameters, init, build, start, spin, clean up.

A node whose constructor raises ``ConfigError`` (a parameter value its table refuses) or one of
``startup_errors`` (an unreadable file) logs a fatal line naming the problem and exits with code 1
instead of a traceback. Lifecycle
nodes define ``start()``, which walks them to *active* unless ``autostart`` is false.
``<node> --help`` prints the node's parameters and exits without starting anything (a camera
source would otherwise start publishing).
"""

import inspect
import sys
from collections.abc import Callable, Mapping
from typing import Any

import rclpy
from rcl_interfaces.msg import (
    FloatingPointRange,
    IntegerRange,
    ParameterDescriptor,
    SetParametersResult,
)
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from rclpy.parameter import Parameter

from emotion_ros.node_config import ConfigError, node_defaults, parameter_help
from emotion_ros.parameter_spec import Param, check
from emotion_ros.ros.dds_profile import use_large_frame_profile

INT64_MAX = 2**63 - 1  # an IntegerRange needs both ends; ROS integers are int64


def descriptor(spec: Param, default: Any) -> ParameterDescriptor:
    """The ROS descriptor of a parameter: ``ros2 param describe`` shows its type, range or
    choices and whether it is read-only, and rclpy refuses a value out of range itself."""
    result = ParameterDescriptor(
        description=spec.description,
        additional_constraints=spec.constraints(),
        read_only=not spec.dynamic,
    )
    low, high = spec.lowest, spec.highest
    if (low is None and high is None) or isinstance(default, bool):
        return result
    if isinstance(default, int):
        result.integer_range = [
            IntegerRange(
                from_value=-INT64_MAX - 1 if low is None else int(low),
                to_value=INT64_MAX if high is None else int(high),
            )
        ]
    elif isinstance(default, float):
        result.floating_point_range = [
            FloatingPointRange(
                from_value=float("-inf") if low is None else float(low),
                to_value=float("inf") if high is None else float(high),
            )
        ]
    return result


def declare_parameters(
    node: Node,
    config_name: str,
    table: Mapping[str, Param],
    on_change: Callable[[str, Any], None] | None = None,
) -> dict[str, Any]:
    """Declare the parameters of ``table`` on ``node``; return the values in effect, a dict that
    follows the changes of its dynamic parameters while the node runs.

    The defaults are those of ``config/<config_name>.yaml`` (the one place they are written), so
    ``ros2 run`` without a parameter file behaves as the file says. A value from a parameter file
    or ``-p`` that ``check`` refuses ends the start-up with the reason. While the node runs, a
    dynamic parameter's new value is checked, put in the returned dict and handed to
    ``on_change(name, value)``, which applies it (a ValueError from it refuses the value with its
    message); rclpy itself refuses read-only parameters, a wrong type and a value out of range.

    Raises:
        ConfigError: the file lacks one of the parameters, or a value is refused.
    """
    defaults = node_defaults(config_name)
    missing = sorted(set(table) - set(defaults))
    if missing:
        raise ConfigError(f"config/{config_name}.yaml has no value for {missing}")
    # rclpy checks the type and range of an override before any callback, with its own words;
    # checked here first, the user reads which parameter and why (rclpy has no public getter).
    for name, override in node._parameter_overrides.items():
        reason = name in table and check(override.value, table[name], defaults[name])
        if reason:
            raise ConfigError(f"parameter {name} {reason}")
    values = {
        name: node.declare_parameter(name, defaults[name], descriptor(spec, defaults[name])).value
        for name, spec in table.items()
    }

    def apply(name: str, value: Any) -> None:
        values[name] = value
        if on_change is not None:
            on_change(name, value)

    def on_set(parameters: list[Parameter]) -> SetParametersResult:
        # another table's, or rclpy's own (use_sim_time), are not ours to check
        ours = [p for p in parameters if p.name in table]
        for parameter in ours:  # all checked before any is applied: rclpy sets all or none
            reason = check(parameter.value, table[parameter.name], defaults[parameter.name])
            if reason:
                return SetParametersResult(successful=False, reason=f"{parameter.name} {reason}")
        applied: list[tuple[str, Any]] = []  # (name, value before), to undo on a refusal
        for parameter in ours:
            before = values[parameter.name]
            try:
                apply(parameter.name, parameter.value)
            except ValueError as exc:
                for name, old in [(parameter.name, before), *reversed(applied)]:
                    apply(name, old)
                return SetParametersResult(successful=False, reason=f"{parameter.name}: {exc}")
            applied.append((parameter.name, before))
        return SetParametersResult(successful=True)

    node.add_on_set_parameters_callback(on_set)
    return values


def wants_help(args: list[str] | None) -> bool:
    """True when the command line asks for help outside ``--ros-args`` (``face_node --help``)."""
    from rclpy.utilities import remove_ros_args

    return bool({"-h", "--help"} & set(remove_ros_args(sys.argv if args is None else args)))


def run_node(
    factory: Callable[[], Node],
    name: str,
    args: list[str] | None = None,
    *,
    parameters: Mapping[str, Param],
    startup_errors: tuple[type[Exception], ...] = (),
) -> int:
    """Run the node made by ``factory`` until shutdown; return the process exit code.

    ``parameters`` is the node's table, for ``--help``.
    """
    if wants_help(args):
        summary = (inspect.getdoc(inspect.getmodule(factory)) or "").split("\n\n")[0]
        print(parameter_help(name, parameters, summary))
        return 0
    use_large_frame_profile()
    rclpy.init(args=args)
    try:
        node = factory()
    except (ConfigError, *startup_errors) as exc:
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
