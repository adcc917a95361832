"""The generated messages are real rosidl types that cross process boundaries over DDS intact."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from emotion_ros.graph.node_process import child_environment

pytestmark = pytest.mark.process

FIXTURES = Path(__file__).with_name("message_fixtures.py")


@pytest.fixture
def publisher_process():
    proc = subprocess.Popen(
        [sys.executable, str(FIXTURES)],
        env=child_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    print(out.decode(errors="replace")[-2000:])


def test_generated_types_serialize_through_rosidl_typesupport():
    from rclpy.serialization import deserialize_message, serialize_message

    from emotion_ros.msg import EmotionStamped, FaceLandmarks

    from message_fixtures import make_emotion, make_landmarks

    # serialize_message goes through the C type support that rosidl generated; a Python
    # look-alike class has none and raises.
    for cls, msg in ((EmotionStamped, make_emotion()), (FaceLandmarks, make_landmarks())):
        data = serialize_message(msg)
        assert isinstance(data, bytes) and len(data) > 0
        assert deserialize_message(data, cls) == msg
    assert FaceLandmarks.NUM_LANDMARKS == 478


def test_emotion_and_landmarks_cross_processes_intact(publisher_process, ros_listener):
    from emotion_ros.msg import EmotionStamped, FaceLandmarks

    from message_fixtures import EMOTION_TOPIC, LANDMARKS_TOPIC, make_emotion, make_landmarks

    emotions = ros_listener.subscribe(EmotionStamped, EMOTION_TOPIC)
    landmarks = ros_listener.subscribe(FaceLandmarks, LANDMARKS_TOPIC)
    assert emotions.wait_for(1, timeout_s=20), "no EmotionStamped from the publisher process"
    assert landmarks.wait_for(1, timeout_s=20), "no FaceLandmarks from the publisher process"

    # Messages compare field by field; float32 arrays compare exactly after the round trip.
    assert emotions.messages[0] == make_emotion()
    received = landmarks.messages[0]
    assert received == make_landmarks()
    points = np.frombuffer(received.landmarks, dtype=np.float32).reshape(-1, 3)
    assert points.shape == (478, 3)
    assert points[1, 0] == pytest.approx(3 * 0.5 - 100.0)
