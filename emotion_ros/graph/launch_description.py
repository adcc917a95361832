"""Builds a ROS 2 launch description for a graph of config/graphs.yaml.

The launch files in launch/ are thin wrappers around this, so ``ros2 launch`` and ``emotion-ros
run`` start the same nodes with the same parameter files. Needs ``launch`` and ``launch_ros``
(a ROS 2 install); nothing else in the package imports them.
"""

from launch import LaunchContext, LaunchDescription
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import LifecycleNode, Node

from emotion_ros.graph.graph_runner import load_graph

# Launch argument -> (default, description). Topic arguments remap the default topic names.
ARGUMENTS = {
    "namespace": ("", "Namespace of every node and relative topic."),
    "device": ("auto", "Where the fusion node runs the models: auto, cpu or cuda."),
    "camera": (
        "",
        "camera_source 'source': device index, /dev/videoN, video file or image folder "
        "('' = the graph's default).",
    ),
    "image_topic": ("image_raw", "Camera image topic (remap to use usb_cam or v4l2_camera)."),
    "audio_topic": ("audio_stamped", "audio_common_msgs/AudioDataStamped topic."),
    "emotion_topic": ("emotion", "Output EmotionStamped topic (the array goes on <topic>/array)."),
}


def _nodes(context: LaunchContext, graph_name: str) -> list[Node]:
    value = {name: LaunchConfiguration(name).perform(context) for name in ARGUMENTS}
    remappings = [
        ("image_raw", value["image_topic"]),
        ("image_raw/compressed", f"{value['image_topic']}/compressed"),
        ("audio_stamped", value["audio_topic"]),
        ("emotion", value["emotion_topic"]),
        ("emotion/array", f"{value['emotion_topic']}/array"),
    ]
    overrides = {"fusion_node": {"device": value["device"]}}
    if value["camera"]:
        overrides["camera_source"] = {"source": value["camera"]}
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
                namespace=value["namespace"],
                parameters=[*parameters, extra] if extra else parameters,
                remappings=[*remappings, *spec.remappings.items()],
                output="screen",
                emulate_tty=True,
            )
        )
    return nodes


def generate_graph_launch_description(graph_name: str) -> LaunchDescription:
    """Return the launch description that starts every node of ``graph_name``."""
    arguments = [
        DeclareLaunchArgument(name, default_value=default, description=text)
        for name, (default, text) in ARGUMENTS.items()
    ]
    return LaunchDescription(
        [*arguments, OpaqueFunction(function=_nodes, kwargs={"graph_name": graph_name})]
    )
