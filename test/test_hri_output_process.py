"""ROS4HRI output of the fusion node (publish_hri: true), end to end over DDS with hri_msgs."""

import time

import numpy as np
import pytest

from emotion_ros.fusion.ros4hri import EXPRESSIONS, expression_topic
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

from test_fusion_node_process import landmarks_msg, mesh  # noqa: F401 (a fixture)

pytestmark = pytest.mark.process
MISSED = 3  # history_max_missed_frames: a face is forgotten after this many frames without it
BOTH = [expression_topic("f00000"), expression_topic("f00001")]


def hri_messages():
    """hri_msgs' generated module, or a skip where it is not built. ``importorskip("hri_msgs.msg")``
    is not enough: test/face_images.py puts tools/ on sys.path, and there tools/hri_msgs/msg (the
    stand-in's .msg sources) imports as an empty namespace package on a ROS install without it."""
    try:
        from hri_msgs import msg
        from hri_msgs.msg import Expression, IdsList  # noqa: F401 (the types the node publishes)
    except ImportError:
        pytest.skip(
            "hri_msgs is not built here (tools/setup_venv.sh builds its stand-in; on Kilted build "
            "ros4hri/hri_msgs, see README 'ROS4HRI output')"
        )
    return msg


def hri_constants() -> set[str]:
    expression = hri_messages().Expression
    return {v for k, v in vars(expression).items() if k.isupper() and isinstance(v, str)}


def test_every_class_maps_to_an_hri_msgs_expression():
    from emotion_ros.emotion_classes import CLASS_NAMES

    Expression = hri_messages().Expression

    assert set(EXPRESSIONS) == set(CLASS_NAMES)
    assert {getattr(Expression, name) for name in EXPRESSIONS.values()} <= hri_constants()


def publishers_on(listener, topic: str) -> int:
    return listener.node.count_publishers(topic)


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_expressions_per_face_with_the_frame_stamp_and_topics_that_follow_the_faces(
    ros_node_process,
    ros_listener,
    mesh,  # noqa: F811
):
    hri = hri_messages()
    Expression, IdsList = hri.Expression, hri.IdsList

    from emotion_ros.msg import EmotionStamped, FaceLandmarksArray

    node = ros_node_process("fusion_node", params={
        "publish_hri": True, "history_max_missed_frames": MISSED, "audio_windows_topic": "",
        "transcript_topic": "",
    })  # fmt: skip
    emotions = ros_listener.subscribe(EmotionStamped, "emotion", 100)
    tracked = ros_listener.subscribe(IdsList, "/humans/faces/tracked", 100)
    expressions = {
        face: ros_listener.subscribe(Expression, expression_topic(face), 100)
        for face in ("f00000", "f00001")
    }
    landmarks = ros_listener.publisher(FaceLandmarksArray, "faces/landmarks")
    assert ros_listener.wait_for_subscribers(landmarks, timeout_s=30), node.read_log()
    start = time.time_ns()
    frames = [["f00000"]] * 3 + [["f00000", "f00001"]] * 3 + [["f00001"]] * (MISSED + 3)
    stamps = [start + k * NS_PER_S // 15 for k in range(len(frames))]
    for number, (stamp, faces) in enumerate(zip(stamps, frames, strict=True)):
        landmarks.publish(landmarks_msg(mesh, stamp, faces))
        assert tracked.wait_for(number + 1, timeout_s=30), node.read_log()
        # a face's topic is created with its first frame: wait for it (and for this test's
        # subscription to match it) before the next frame, as a ROS4HRI client would
        topics = [expression_topic(f) for f in faces]
        assert wait_for(lambda t=topics: all(publishers_on(ros_listener, x) == 1 for x in t))
        time.sleep(0.3)
        if number == 4:  # both faces are in the frame: both topics exist
            assert all(publishers_on(ros_listener, t) == 1 for t in BOTH)
    # f00000 left after frame 6 and is forgotten MISSED frames later: its topic is gone
    assert wait_for(lambda: publishers_on(ros_listener, expression_topic("f00000")) == 0)
    assert publishers_on(ros_listener, expression_topic("f00001")) == 1
    ids = [list(m.ids) for m in tracked.messages]
    assert ids[:3] == [["f00000"]] * 3 and ids[3:6] == [["f00000", "f00001"]] * 3
    assert ids[6 : 6 + MISSED] == [["f00000", "f00001"]] * MISSED  # still followed a while
    assert ids[-1] == ["f00001"]
    assert [stamp_to_ns(m.header.stamp) for m in tracked.messages] == stamps
    # every Expression carries its frame's stamp and the values of the face's EmotionStamped
    assert emotions.wait_for(sum(map(len, frames)), timeout_s=30)
    by_key = {(m.face_id, stamp_to_ns(m.header.stamp)): m for m in emotions.messages}
    for face, collector in expressions.items():
        expected = [s for s, faces in zip(stamps, frames, strict=True) if face in faces]
        # the first frame's Expression may go out before the new topic has matched
        assert collector.wait_for(len(expected) - 1, timeout_s=10), face
        received = [stamp_to_ns(m.header.stamp) for m in collector.messages]
        assert received in (expected, expected[1:]), face
        for msg in collector.messages:
            emotion = by_key[(face, stamp_to_ns(msg.header.stamp))]
            assert msg.expression in hri_constants()
            assert msg.expression == getattr(Expression, EXPRESSIONS[emotion.label])
            assert np.allclose(
                [msg.valence, msg.arousal, msg.confidence],
                [emotion.valence, emotion.arousal, emotion.confidence],
            )
            assert -1 <= msg.valence <= 1 and -1 <= msg.arousal <= 1 and 0 < msg.confidence <= 1
