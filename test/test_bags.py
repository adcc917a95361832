"""Recording into a bag, replaying a bag, and the replay timing rule."""

import re
import time

import cv2
import numpy as np
import pytest

from emotion_ros.bags.graph_inputs import split_inputs
from emotion_ros.bags.replay_schedule import scheduled
from emotion_ros.package_paths import share_path
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

from user_commands import run_as_user

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

    from emotion_ros.bags.typestore import project_typestore
    from emotion_ros.graph.topic_collector import TopicCollector
    from emotion_ros.msg import EmotionStamped, FaceLandmarks
    from emotion_ros.ros.bag_recorder import BagRecorder

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

    from emotion_ros.ros.bag_replayer import replay

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
    from emotion_ros.ros.bag_replayer import replay

    result = replay(ros_listener.node, BAG, ["/ground_truth", "/not_there"], rate=50.0)
    assert result.published == {"/ground_truth": 2}
    assert result.warnings == ["topic /not_there is not in the bag"]


@pytest.mark.process
def test_replay_skips_a_type_that_is_not_installed(tmp_path, ros_listener):
    from rosbags.rosbag2 import StoragePlugin, Writer
    from rosbags.typesys import get_types_from_msg

    from emotion_ros.bags.typestore import project_typestore
    from emotion_ros.ros.bag_replayer import replay

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


def test_the_graph_inputs_are_camera_and_audio_topics_not_what_the_graph_publishes():
    topics = {
        "/cam/image_raw": "sensor_msgs/msg/Image",
        "/image_raw/compressed": "sensor_msgs/msg/CompressedImage",
        "/audio_stamped": "audio_common_msgs/msg/AudioDataStamped",
        "/audio": "audio_common_msgs/msg/AudioData",
        "/audio_info": "audio_common_msgs/msg/AudioInfo",
        "/emotion": "emotion_ros/msg/EmotionStamped",
        "/emotion/array": "emotion_ros/msg/EmotionStampedArray",
        "/faces/landmarks": "emotion_ros/msg/FaceLandmarksArray",
        "/faces/crops": "sensor_msgs/msg/Image",
        "/robot/emotion/debug_image": "sensor_msgs/msg/Image",
        "/audio/windows": "emotion_ros/msg/AudioWindow",
        "/ground_truth": "std_msgs/msg/String",
    }
    inputs, others = split_inputs(topics)
    assert inputs == ["/cam/image_raw", "/image_raw/compressed", "/audio_stamped", "/audio",
                      "/audio_info"]  # fmt: skip
    assert others == [t for t in topics if t not in inputs]


def write_session_bag(path, seconds: int = 2, rate_hz: int = 10) -> None:
    """A bag as recorded from a running graph: its inputs and its outputs, side by side."""
    from audio_common_msgs.msg import AudioDataStamped, AudioInfo
    from rclpy.serialization import serialize_message
    from rosbags.rosbag2 import StoragePlugin, Writer

    from emotion_ros.bags.latched_topics import LATCHED_RECORD
    from emotion_ros.bags.typestore import project_typestore
    from emotion_ros.msg import EmotionStampedArray
    from emotion_ros.ros.image_messages import image_message
    from emotion_ros.ros.time_conversions import ns_to_stamp

    from message_fixtures import make_emotion

    store = project_typestore()
    start = 1_700_000_000 * NS_PER_S
    frame = np.full((48, 64, 3), 90, np.uint8)
    topics = {
        "/image_raw": ("sensor_msgs/msg/Image", lambda t: image_message(frame, t, "cam")),
        "/audio_stamped": ("audio_common_msgs/msg/AudioDataStamped", lambda t: AudioDataStamped()),
        "/emotion": ("emotion_ros/msg/EmotionStamped", lambda t: make_emotion()),
        "/emotion/array": ("emotion_ros/msg/EmotionStampedArray",
                           lambda t: EmotionStampedArray()),
        "/faces/crops": ("sensor_msgs/msg/Image", lambda t: image_message(frame, t, "cam")),
    }  # fmt: skip
    with Writer(path, version=9, storage_plugin=StoragePlugin.MCAP) as writer:
        info = writer.add_connection(
            "/audio_info", "audio_common_msgs/msg/AudioInfo", typestore=store,
            offered_qos_profiles=[LATCHED_RECORD],
        )  # fmt: skip
        writer.write(info, start, serialize_message(AudioInfo(channels=1, sample_rate=16_000)))
        connections = {
            topic: writer.add_connection(topic, msgtype, typestore=store)
            for topic, (msgtype, _) in topics.items()
        }
        for k in range(seconds * rate_hz):
            t = start + k * NS_PER_S // rate_hz
            for topic, (_, make) in topics.items():
                writer.write(connections[topic], t, serialize_message(make(ns_to_stamp(t))))


@pytest.mark.process
def test_replay_plays_the_inputs_only_unless_told_to_play_all(tmp_path, ros_listener):
    from audio_common_msgs.msg import AudioDataStamped, AudioInfo
    from sensor_msgs.msg import Image

    from emotion_ros.msg import EmotionStamped, EmotionStampedArray
    from emotion_ros.ros.qos import latched_qos

    bag = tmp_path / "session"
    write_session_bag(bag)
    images = ros_listener.subscribe(Image, "/image_raw", 50)
    emotions = ros_listener.subscribe(EmotionStamped, "/emotion", 50)
    crops = ros_listener.subscribe(Image, "/faces/crops", 50)
    # latched, as the audio node asks for it: only a latched replay reaches it
    info = ros_listener.subscribe(AudioInfo, "/audio_info", latched_qos())
    for msg_type, topic in ((AudioDataStamped, "/audio_stamped"),
                            (EmotionStampedArray, "/emotion/array")):  # fmt: skip
        ros_listener.subscribe(msg_type, topic)  # so that replay finds every topic heard
    done = run_as_user("emotion-ros", "replay", str(bag))
    assert done.code == 0, done.lines
    assert done.lines[:2] == [
        f"replaying {bag}: /audio_info, /image_raw, /audio_stamped (41 messages, 1.9 s of bag "
        "time at x1.0)",
        "not replayed (not inputs of the graph; --all replays them): /emotion, /emotion/array, "
        "/faces/crops",
    ]
    assert "/audio_info: 1, /image_raw: 20, /audio_stamped: 20" in done.lines
    assert images.wait_for(20, timeout_s=10), "replay waits for the listener before it plays"
    assert info.wait_for(1, timeout_s=10) and info.messages[0].sample_rate == 16_000
    assert not emotions.messages and not crops.messages, "recorded outputs stay in the bag"
    everything = run_as_user("emotion-ros", "replay", str(bag), "--all", "--rate", "4")
    assert everything.code == 0, everything.lines
    assert everything.lines[0].startswith(f"replaying {bag}: /audio_info, /image_raw, "
                                          "/audio_stamped, /emotion, /emotion/array, "
                                          "/faces/crops (101 messages")  # fmt: skip
    assert emotions.wait_for(20, timeout_s=10) and crops.wait_for(20, timeout_s=10)


@pytest.mark.process
def test_record_compresses_camera_images_and_says_the_size(
    tmp_path, ros_node_process, ros_listener
):
    from rosbags.highlevel import AnyReader

    from emotion_ros.bags.latched_topics import recorded_latched
    from emotion_ros.bags.typestore import project_typestore

    ros_node_process("camera_source")  # the bundled clip, 640x480 at 15 fps
    ros_node_process("audio_file_source")  # audio_info is latched: published once, at start
    assert ros_listener.wait_for_publishers({"/image_raw", "/audio_info"}, 60)  # before recording
    bag = tmp_path / "session"
    done = run_as_user("emotion-ros", "record", "-o", str(bag), "image_raw", "audio_info",
                       "--compress-images", "--duration", "3")  # fmt: skip
    assert done.code == 0, done.lines
    assert done.lines[0] == (
        f"recording image_raw/compressed, audio_info into {bag} (mcap); Ctrl-C stops"
    )
    counts = re.fullmatch(r"image_raw/compressed: (\d+), audio_info: 1", done.lines[1])
    assert counts and int(counts.group(1)) > 0, done.lines
    assert re.fullmatch(r"[\d.]+ MB in [\d.]+ s: \d+ MB per minute", done.lines[2])
    with AnyReader([bag], default_typestore=project_typestore()) as reader:
        images, info = reader.connections
        assert images.msgtype == "sensor_msgs/msg/CompressedImage"
        assert images.msgcount == int(counts.group(1))
        assert recorded_latched(info) and not recorded_latched(images)
        _, _, raw = next(reader.messages(connections=[images]))
        msg = reader.deserialize(raw, images.msgtype)
    assert msg.format == "jpeg" and msg.header.frame_id == "camera_optical_frame"
    image = cv2.imdecode(np.frombuffer(msg.data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (480, 640, 3)
