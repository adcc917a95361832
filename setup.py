"""Installs the emotion_ros Python package and its commands with pip (the project's .venv).

On a ROS 2 install colcon builds the package with CMakeLists.txt instead (package.xml says
ament_cmake); both install the same modules and the same command names.
"""

from setuptools import find_packages, setup

NODES = [
    "camera_source",
    "face_node",
    "mic_source",
    "audio_file_source",
    "audio_node",
    "fusion_node",
    "speech_node",
    "overlay_node",
    "emotion_reactor",
]

setup(
    name="emotion_ros",
    version="0.1.0",
    description="Emotion estimation for robots from face landmarks and speech (ROS 2)",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=find_packages(include=["emotion_ros", "emotion_ros.*"]),
    entry_points={
        "console_scripts": [f"{name}=emotion_ros.nodes.{name}:main" for name in NODES]
        + ["emotion-ros=emotion_ros.cli.main:main"],
    },
)
