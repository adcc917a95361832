"""Recording into a bag, replaying a bag, and the replay timing rule."""

import time

import numpy as np
import pytest

from emotion_ros.bags.replay_schedule import scheduled
from emotion_ros.package_paths import share_path
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

BAG = share_path("data", "eval", "labelled")


def test_schedule_keeps_relative_timing_scaled_by_rate():
    items = [(10 * NS_PER_S, "a"), (10 * NS_PER_S + NS_PER_S // 2, "b"), (12 * NS_PER_S, "c")]
    due = [d for d, _, _ in scheduled(items, rate=2.0, start_ns=100)]
    assert due == [100, 100 + NS_PER_S // 4, 100 + NS_PER_S]
    with pytest.raises(ValueError, match="rate"):
        list(scheduled(items, rate=0.0, start_ns=0))


def test_the_project_types_are_known_to_rosbags():
    from emotion_ros.bags.typestore import project_typestore

    store = project_typestore()
    for name in ("emotion_ros/msg/EmotionStamped", "emotion_ros/msg/FaceLandmarksArray",
                 "audio_common_msgs/msg/AudioDataStamped", "sensor_msgs/msg/Image"):  # fmt: skip
        assert name in store.types


@pytest.mark.process
def test_record_writes_a_bag_that_rosbags_reads_back_intact(tmp_path, ros_listener):
    from rclpy.serialization import deserialize_message
    from rosbags.highlevel import AnyReader

    from emotion_ros.bags.recorder import BagRecorder
    from emotion_ros.bags.typestore import project_typestore
    from emotion_ros.graph.topic_collector import TopicCollector
    from emotion_ros.msg import EmotionStamped, FaceLandmarks

    from message_fixtures import make_emotion, make_landmarks

    bag = tmp_path / "recorded"
    with TopicCollector("recorder_under_test") as recording:
        recorder = BagRecorder(recording.node, bag, {
            "/emotion": "emotion_ros/msg/EmotionStamped",
            "/faces/one": "emotion_ros/msg/FaceLandmarks",
        })  # fmt: skip
        emotion_pub = ros_listener.publisher(EmotionStamped, "/emotion", 50)
        landmarks_pub = ros_listener.publisher(FaceLandmarks, "/faces/one", 50)
        assert ros_listener.wait_for_subscribers(emotion_pub)
        assert ros_listener.wait_for_subscribers(landmarks_pub)
        sent = []
        for i in range(20):
            msg = make_emotion()
            msg.face_id = f"f{i:05d}"
            emotion_pub.publish(msg)
            sent.append(msg)
            time.sleep(0.01)
        landmarks_pub.publish(make_landmarks())
        deadline = time.monotonic() + 10
        while sum(recorder.counts.values()) < 21 and time.monotonic() < deadline:
            time.sleep(0.05)
        recorder.close()
    with AnyReader([bag], default_typestore=project_typestore()) as reader:
        got = {c.topic: [] for c in reader.connections}
        for connection, _, raw in reader.messages():
            cls = EmotionStamped if connection.topic == "/emotion" else FaceLandmarks
            got[connection.topic].append(deserialize_message(bytes(raw), cls))
            reader.deserialize(raw, connection.msgtype)  # rosbags decodes it too
    assert got["/emotion"] == sent
    assert got["/faces/one"] == [make_landmarks()]


@pytest.mark.process
def test_replay_keeps_order_and_relative_timing(ros_listener):
    from audio_common_msgs.msg import AudioDataStamped
    from sensor_msgs.msg import CompressedImage

    from emotion_ros.bags.replayer import replay

    audio = ros_listener.subscribe(AudioDataStamped, "/audio_stamped", 200)
    images = ros_listener.subscribe(CompressedImage, "/image_raw/compressed", 200)
    result = replay(ros_listener.node, BAG, ["/audio_stamped", "/image_raw/compressed"], rate=2.0)
    time.sleep(0.5)
    assert result.published == {"/image_raw/compressed": 120, "/audio_stamped": 80}
    assert 3.5 < result.duration_s < 6.0  # 8 s of bag at twice the speed
    for collector in (audio, images):
        stamps = np.array([stamp_to_ns(m.header.stamp) for m in collector.messages])
        assert len(stamps) == len(collector.messages) > 0
        assert (np.diff(stamps) > 0).all(), "order kept"
        # arrival gaps follow the bag's gaps at rate 2 (a correctness bound for a loaded machine)
        bag_gaps = np.diff(stamps) / 2
        arrival_gaps = np.diff(collector.receive_ns)
        assert np.median(np.abs(arrival_gaps - bag_gaps)) < 10_000_000
    assert len(images.messages) == 120 and len(audio.messages) == 80


@pytest.mark.process
def test_replay_warns_about_missing_topics(ros_listener):
    from emotion_ros.bags.replayer import replay

    result = replay(ros_listener.node, BAG, ["/ground_truth", "/not_there"], rate=50.0)
    assert result.published == {"/ground_truth": 2}
    assert result.warnings == ["topic /not_there is not in the bag"]


@pytest.mark.process
def test_replay_skips_a_type_that_is_not_installed(tmp_path, ros_listener):
    from rosbags.rosbag2 import StoragePlugin, Writer
    from rosbags.typesys import get_types_from_msg

    from emotion_ros.bags.replayer import replay
    from emotion_ros.bags.typestore import project_typestore

    store = project_typestore()
    store.register(get_types_from_msg("int32 value", "foo_msgs/msg/Bar"))
    bag = tmp_path / "unknown_type"
    with Writer(bag, version=9, storage_plugin=StoragePlugin.MCAP) as writer:
        connection = writer.add_connection("/bar", "foo_msgs/msg/Bar", typestore=store)
        bar = store.types["foo_msgs/msg/Bar"](value=3)
        writer.write(connection, 1, store.serialize_cdr(bar, "foo_msgs/msg/Bar"))
    result = replay(ros_listener.node, bag)
    assert result.published == {}
    assert result.warnings == ["topic /bar: type foo_msgs/msg/Bar is not installed; skipped"]
