"""ros2 launch emotion_ros default_input.launch.py

The whole graph on the bundled clip and speech (no camera or microphone): the demo, and what the
launch_testing test runs.
"""

from emotion_ros.graph.launch_description import generate_graph_launch_description


def generate_launch_description():
    """Return the default-input graph."""
    return generate_graph_launch_description("default_input")
