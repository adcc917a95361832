"""ros2 launch emotion_ros webcam.launch.py [device:=cuda] [camera:=/dev/video2] [image_topic:=...]

Starts a webcam and the default microphone, the face, audio and fusion nodes, with the parameters
in config/*.yaml and the graph in config/graphs.yaml (graph "webcam"). To use usb_cam or
v4l2_camera instead of camera_source, run that driver and pass image_topic:=<its topic>.
"""

from emotion_ros.graph.launch_description import generate_graph_launch_description


def generate_launch_description():
    """Return the webcam graph."""
    return generate_graph_launch_description("webcam")
