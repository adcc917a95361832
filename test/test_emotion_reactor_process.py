"""The example controller as a process: foreign and recorded EmotionStamped in, behaviours out.

test/data/recorded_emotions is what the fusion node published on ``emotion`` while the
default_input graph ran (``emotion-ros run default_input`` beside ``emotion-ros record emotion``,
18.7 s, 398 messages): two faces at a time, f00000/f00002 smiling and f00001/f00003 neutral, new
ids after the clip loops.
"""

import subprocess
import time
from pathlib import Path

import pytest

from emotion_ros.graph.node_process import child_environment, find_executable

pytestmark = pytest.mark.process

RECORDING = Path(__file__).parent / "data" / "recorded_emotions"
CLASSES = ["Happy", "Angry", "Sad", "Neutral", "Surprised", "Worried"]


def emotion(face_id, label, confidence, audio_missing=False, frame=0):
    from emotion_ros.msg import EmotionStamped

    msg = EmotionStamped(face_id=face_id, label=label, class_names=CLASSES)
    msg.confidence = confidence
    msg.audio_missing = audio_missing
    msg.header.stamp.sec, msg.header.stamp.nanosec = 1_800_000_000, frame * 66_000_000
    return msg


def start_reactor(ros_node_process, ros_listener, params=None):
    """The reactor, once its subscription to ``emotion`` is matched; returns it and a publisher."""
    from emotion_ros.msg import EmotionStamped

    node = ros_node_process("emotion_reactor", params=params or {})
    publisher = ros_listener.publisher(EmotionStamped, "emotion", 50)
    assert ros_listener.wait_for_subscribers(publisher, timeout_s=30), node.read_log()
    return node, publisher


def wait_for_texts(collector, count, timeout_s):
    collector.wait_for(count, timeout_s=timeout_s)
    return [msg.data for msg in collector.messages]


def test_foreign_messages_are_debounced_filtered_and_faces_leave(ros_node_process, ros_listener):
    from diagnostic_msgs.msg import DiagnosticArray
    from std_msgs.msg import String

    behaviours = ros_listener.subscribe(String, "behaviour", 20)
    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 50)
    params = {"hold_messages": 3, "hold_s": 0.0, "face_timeout_s": 1.0,
              "min_confidence": 0.5, "min_confidence_without_audio": 0.7}  # fmt: skip
    node, publisher = start_reactor(ros_node_process, ros_listener, params)
    time.sleep(0.5)  # the reactor's behaviour publisher reaches our subscription
    script = (
        [("f1", "Happy", 0.9, False)] * 2
        + [("f1", "Angry", 0.9, False)]  # one odd frame: the count starts again
        + [("f1", "Happy", 0.9, False)] * 3  # -> greet
        + [("f1", "Sad", 0.3, False)] * 5  # too uncertain: ignored
        + [("f2", "Surprised", 0.6, True)] * 5  # face only, below 0.7: ignored
        + [("f3", "Joy", 0.9, False)]  # not among class_names: refused
        + [("f1", "Sad", 0.9, False)] * 3  # -> respond
    )
    for frame, (face_id, label, confidence, audio_missing) in enumerate(script):
        publisher.publish(emotion(face_id, label, confidence, audio_missing, frame))
        time.sleep(0.02)
    texts = wait_for_texts(behaviours, 3, timeout_s=10)  # f1 leaves 1 s after its last message
    assert texts == ["greet f1 happily", "respond to f1 gently", "say goodbye to f1"], (
        node.read_log()
    )
    time.sleep(1.5)  # f2 leaves too, without a goodbye: it was never greeted
    assert len(behaviours.messages) == 3
    statuses = [s for d in diagnostics.messages for s in d.status if s.name.startswith("emotion_")]
    values = {kv.key: kv.value for kv in statuses[-1].values}
    assert values["refused (malformed)"] == "1" and values["ignored (low confidence)"] == "10"
    assert values["faces"] == "0" and values["behaviours published"] == "3"
    assert "refused an EmotionStamped with label 'Joy' not among" in node.read_log()
    assert node.is_running()


def test_recorded_emotions_greet_each_face_once_and_say_goodbye(ros_node_process, ros_listener):
    from std_msgs.msg import String

    behaviours = ros_listener.subscribe(String, "behaviour", 20)
    node, _ = start_reactor(ros_node_process, ros_listener)
    time.sleep(0.5)
    replay = subprocess.run(
        [find_executable("emotion-ros"), "replay", str(RECORDING), "--rate", "2", "--all"],
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert replay.returncode == 0 and "emotion: 398" in replay.stdout, replay.stdout + replay.stderr
    texts = wait_for_texts(behaviours, 8, timeout_s=10)  # the last two faces leave after the end
    per_face = {}
    for text in texts:
        per_face.setdefault(text.split()[-2 if text.startswith("greet") else -1], []).append(text)
    assert per_face == {
        "f00000": ["greet f00000 happily", "say goodbye to f00000"],
        "f00001": ["greet f00001 politely", "say goodbye to f00001"],
        "f00002": ["greet f00002 happily", "say goodbye to f00002"],
        "f00003": ["greet f00003 politely", "say goodbye to f00003"],
    }, node.read_log()
