"""launch_testing: default_input.launch.py on a ROS 2 install publishes EmotionStamped per face.

On a ROS 2 install ``colcon test --packages-select emotion_ros`` runs it (``add_launch_test`` in
CMakeLists.txt), and so does ``launch_test test/test_launch_default_input.py`` in a sourced
workspace. ``launch_testing`` exists only on a ROS 2 install (no registry here has it), so the
module skips elsewhere; ``test_graph_end_to_end.py`` starts the same graph from the same
config/graphs.yaml as separate processes and checks the same output on every machine.
"""

import unittest

import pytest

pytest.importorskip(
    "launch_testing",
    reason="launch_testing is not installed (it comes with a ROS 2 install, where colcon test "
    "runs this file through add_launch_test); test_graph_end_to_end.py checks the same graph",
)

import launch
import launch_testing.actions
import launch_testing.asserts
from launch.actions import IncludeLaunchDescription
from launch.launch_description_sources import PythonLaunchDescriptionSource

from emotion_ros.package_paths import share_path


@pytest.mark.launch_test
def generate_test_description():  # the hook launch_testing calls
    graph = IncludeLaunchDescription(
        PythonLaunchDescriptionSource(str(share_path("launch", "default_input.launch.py"))),
        launch_arguments={"device": "cpu"}.items(),
    )
    return launch.LaunchDescription([graph, launch_testing.actions.ReadyToTest()])


class TestEmotionsArrive(unittest.TestCase):
    """While the graph runs: emotions arrive with a face id, a label, probabilities summing to 1."""

    def test_emotion_messages(self) -> None:
        from emotion_ros.graph.topic_collector import TopicCollector
        from emotion_ros.msg import EmotionStamped

        with TopicCollector("launch_test_listener") as listener:
            emotions = listener.subscribe(EmotionStamped, "emotion", 50)
            self.assertTrue(emotions.wait_for(10, timeout_s=60), "no EmotionStamped within 60 s")
        for msg in emotions.messages:
            self.assertTrue(msg.face_id)
            self.assertIn(msg.label, msg.class_names)
            self.assertAlmostEqual(sum(msg.probabilities), 1.0, places=3)


@launch_testing.post_shutdown_test()
class TestShutdown(unittest.TestCase):
    """Every node exits cleanly on shutdown."""

    def test_exit_codes(self, proc_info) -> None:  # proc_info is injected by launch_testing
        launch_testing.asserts.assertExitCodes(proc_info, allowable_exit_codes=[0, -2, -15])
