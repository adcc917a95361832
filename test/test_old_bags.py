"""Bags recorded before FaceLandmarks gained its crop and AudioWindow its speech fraction still
read and replay. The definitions of that time are in test/data/msg_before_crops/ (copied from
the repository's history); the bag is written here with them, as an old recording would be."""

import time
from pathlib import Path

import numpy as np
import pytest
from rosbags.rosbag2 import StoragePlugin, Writer
from rosbags.typesys import Stores, get_types_from_msg, get_typestore

from emotion_ros.bags.bag_reader import messages
from emotion_ros.bags.message_upgrade import definition_differs
from emotion_ros.bags.typestore import project_typestore

OLD = Path(__file__).with_name("data") / "msg_before_crops"
START = 1_700_000_000 * 1_000_000_000


def old_typestore():
    store = get_typestore(Stores.ROS2_KILTED)
    for path in sorted(OLD.glob("*.msg")):
        store.register(get_types_from_msg(path.read_text(), f"emotion_ros/msg/{path.stem}"))
    return store


@pytest.fixture(scope="module")
def old_bag(tmp_path_factory):
    """Five frames of two faces and one audio window, in the old definitions."""
    store = old_typestore()
    t = store.types
    path = tmp_path_factory.mktemp("bags") / "before_crops"
    rng = np.random.default_rng(0)
    with Writer(path, version=9, storage_plugin=StoragePlugin.MCAP) as writer:
        faces_topic = writer.add_connection(
            "/faces/landmarks", "emotion_ros/msg/FaceLandmarksArray", typestore=store
        )
        audio_topic = writer.add_connection(
            "/audio/windows", "emotion_ros/msg/AudioWindow", typestore=store
        )
        for k in range(5):
            ns = START + k * 66_000_000
            stamp = t["builtin_interfaces/msg/Time"](sec=ns // 10**9, nanosec=ns % 10**9)
            header = t["std_msgs/msg/Header"](stamp=stamp, frame_id="camera")
            roi = t["sensor_msgs/msg/RegionOfInterest"](10, 20, 150, 120, False)
            faces = [
                t["emotion_ros/msg/FaceLandmarks"](
                    header, f"f0000{i}", roi, 1.0, 640, 480,
                    rng.normal(200, 40, 478 * 3).astype(np.float32),
                )
                for i in range(2)
            ]  # fmt: skip
            array = t["emotion_ros/msg/FaceLandmarksArray"](header, faces)
            writer.write(faces_topic, ns, store.serialize_cdr(array, array.__msgtype__))
        window = t["emotion_ros/msg/AudioWindow"](
            header, stamp, 16_000, np.zeros(32_000, np.float32), False, 0.0, "",
            np.zeros(0, np.uint32), np.zeros(0, np.float32),
        )  # fmt: skip
        writer.write(audio_topic, START, store.serialize_cdr(window, window.__msgtype__))
    return path


def test_the_old_definitions_differ_from_the_installed_ones():
    installed = project_typestore()
    assert definition_differs(old_typestore(), installed, "emotion_ros/msg/FaceLandmarksArray")
    assert definition_differs(old_typestore(), installed, "emotion_ros/msg/AudioWindow")
    assert not definition_differs(installed, project_typestore(), "emotion_ros/msg/EmotionStamped")


def test_an_old_bag_reads_with_its_own_definitions(old_bag):
    read = list(messages(old_bag, ["/faces/landmarks", "/audio/windows"]))
    arrays = [msg for topic, _, msg in read if topic == "/faces/landmarks"]
    assert len(arrays) == 5 and all(len(a.faces) == 2 for a in arrays)
    assert len(arrays[0].faces[1].landmarks) == 478 * 3
    assert not hasattr(arrays[0].faces[0], "crop")


@pytest.mark.process
def test_an_old_bag_replays_into_the_installed_types(old_bag, ros_listener):
    from emotion_ros.msg import AudioWindow, FaceLandmarksArray
    from emotion_ros.ros.bag_replayer import replay

    arrays = ros_listener.subscribe(FaceLandmarksArray, "/faces/landmarks", 10)
    windows = ros_listener.subscribe(AudioWindow, "/audio/windows", 10)
    time.sleep(0.5)
    result = replay(ros_listener.node, old_bag, rate=4.0)
    assert result.published == {"/faces/landmarks": 5, "/audio/windows": 1}
    assert any("older definition" in w for w in result.warnings)
    assert arrays.wait_for(5, timeout_s=10) and windows.wait_for(1, timeout_s=10)
    face = arrays.messages[0].faces[1]
    recorded = next(msg for _, _, msg in messages(old_bag, ["/faces/landmarks"])).faces[1]
    np.testing.assert_array_equal(np.asarray(face.landmarks), recorded.landmarks)
    assert face.face_id == "f00001" and face.crop_size == 0 and len(face.crop) == 0
    assert face.upper_face_visible == face.lower_face_visible == -1.0  # unknown, not hidden
    assert (
        windows.messages[0].speech_fraction == -1.0 and len(windows.messages[0].samples) == 32_000
    )
