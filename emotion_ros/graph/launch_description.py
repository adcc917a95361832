"""Builds a ROS 2 launch description for a graph of config/graphs.yaml.

The launch files in launch/ are thin wrappers around this, so ``ros2 launch`` and ``emotion-ros
run`` start the same nodes with the same parameter files. Needs ``launch`` and ``launch_ros``
(a ROS 2 install); nothing else in the package imports them. What the arguments change is decided
in ``launch_arguments`` (plain Python, tested without launch). Every node is respawned after
``RESPAWN_DELAY_S`` when it dies, the policy of ``emotion-ros run`` (``graph/respawn.py``); a
lifecycle node then configures and activates itself again (its ``autostart`` parameter).
"""

from launch import LaunchContext, LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import LifecycleNode, Node

from emotion_ros.graph.graph_spec import load_graph
from emotion_ros.graph.launch_arguments import ARGUMENTS, parameter_overrides, remappings
from emotion_ros.graph.respawn import RESPAWN_DELAY_S


def _nodes(context: LaunchContext, graph_name: str) -> list[Node]:
    values = {name: LaunchConfiguration(name).perform(context) for name in ARGUMENTS}
    overrides = parameter_overrides(values)
    remapped = remappings(values)
    nodes = []
    for spec in load_graph(graph_name).nodes:
        parameters = [str(path) for path in spec.params_files]
        extra = {**spec.overrides, **overrides.get(spec.name, {})}
        # LifecycleNode lets launch event handlers and lifecycle managers drive the node
        action = LifecycleNode if spec.lifecycle else Node
        nodes.append(
            action(
                package="emotion_ros",
                executable=spec.executable,
                name=spec.name,
                namespace=values["namespace"],
                parameters=[*parameters, extra] if extra else parameters,
                remappings=[*remapped, *spec.remappings.items()],
                output="screen",
                emulate_tty=True,
                respawn=True,
                respawn_delay=RESPAWN_DELAY_S,
            )
        )
    return nodes


def generate_graph_launch_description(graph_name: str) -> LaunchDescription:
    """Return the launch description that starts every node of ``graph_name``."""
    arguments = [
        DeclareLaunchArgument(name, default_value="", description=text)
        for name, text in ARGUMENTS.items()
    ]
    return LaunchDescription(
        [*arguments, OpaqueFunction(function=_nodes, kwargs={"graph_name": graph_name})]
    )
