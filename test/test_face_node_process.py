"""The face node and the camera source as separate processes, over DDS."""

import time

import numpy as np
import pytest

from face_images import astronaut_bgr

pytestmark = pytest.mark.process

FACE_PARAMS = {"deterministic_ids": True, "tracker_min_hits": 1, "reliability": "reliable"}


def test_camera_source_and_face_node_deliver_landmarks(ros_node_process, ros_listener):
    from emotion_ros.msg import FaceLandmarksArray

    arrays = ros_listener.subscribe(FaceLandmarksArray, "faces/landmarks")
    face = ros_node_process("face_node", params={"deterministic_ids": True})
    camera = ros_node_process("camera_source", params={"fps": 10.0})
    assert arrays.wait_for(15, timeout_s=60), camera.read_log() + face.read_log()
    with_faces = [a for a in arrays.messages if a.faces]
    assert len(with_faces) >= 10
    first = with_faces[0].faces[0]
    assert first.face_id == "f00000"
    assert (first.image_width, first.image_height) == (640, 480)
    assert len(first.landmarks) == 478 * 3
    assert with_faces[0].header.frame_id == "camera_optical_frame"


def _image_msg(frame: np.ndarray, stamp_s: float, encoding: str = "bgr8"):
    from builtin_interfaces.msg import Time
    from sensor_msgs.msg import Image

    msg = Image(height=frame.shape[0], width=frame.shape[1], encoding=encoding)
    msg.step = frame.shape[1] * 3
    msg.data = frame.tobytes()
    msg.header.stamp = Time(sec=int(stamp_s), nanosec=int(stamp_s % 1 * 1e9))
    return msg


def test_bad_frames_are_logged_and_good_frames_still_processed(ros_node_process, ros_listener):
    from sensor_msgs.msg import Image

    from emotion_ros.msg import FaceLandmarksArray

    arrays = ros_listener.subscribe(FaceLandmarksArray, "faces/landmarks")
    # An 8K frame (100 MB) is refused by the same check (see the conversion tests); over DDS a
    # smaller limit and a 1 MP frame exercise it without shipping 100 MB through the middleware.
    node = ros_node_process("face_node", params={**FACE_PARAMS, "max_image_pixels": 300_000})
    publisher = ros_listener.publisher(Image, "image_raw")
    assert ros_listener.wait_for_subscribers(publisher, timeout_s=30), node.read_log()
    good = astronaut_bgr()
    bad = [
        _image_msg(good, 1.0, encoding="yuv422"),
        _image_msg(np.zeros((0, 0, 3), np.uint8), 1.05),
        _image_msg(good, 1.1),
        _image_msg(np.zeros((1024, 1024, 3), np.uint8), 1.2),
    ]
    bad[2].data = bad[2].data[:-10]  # length no longer height * step
    for msg in bad:
        publisher.publish(msg)
        time.sleep(0.5)  # paced like a camera, one bad frame at a time
    good_stamps = [2.0, 2.1, 1.5, 1.6]  # the third goes backwards in time
    for stamp in good_stamps:
        publisher.publish(_image_msg(good, stamp))
        time.sleep(0.3)
    assert arrays.wait_for(len(good_stamps), timeout_s=20), node.read_log()
    time.sleep(0.5)
    stamps = [a.header.stamp.sec + a.header.stamp.nanosec * 1e-9 for a in arrays.messages]
    assert stamps == pytest.approx(good_stamps), "only the good frames give output, all of them"
    assert all(len(a.faces) == 1 for a in arrays.messages)
    log = node.read_log()
    assert node.is_running(), log
    for reason in (
        "unsupported encoding",
        "empty image",
        "expected height*step",
        "exceeds the limit",
    ):
        assert reason in log, f"no log line for {reason!r}:\n{log}"
    assert "face tracks were reset" in log
    # after the reset the face gets a new id
    assert [a.faces[0].face_id for a in arrays.messages] == ["f00000", "f00000", "f00001", "f00001"]


def test_with_autostart_false_a_lifecycle_manager_starts_the_node(ros_node_process, ros_listener):
    from lifecycle_msgs.msg import Transition
    from lifecycle_msgs.srv import ChangeState, GetState
    from sensor_msgs.msg import Image

    from emotion_ros.msg import FaceLandmarksArray

    arrays = ros_listener.subscribe(FaceLandmarksArray, "faces/landmarks")
    node = ros_node_process("face_node", params={**FACE_PARAMS, "autostart": False})
    get_state = ros_listener.node.create_client(GetState, "/face_node/get_state")
    change = ros_listener.node.create_client(ChangeState, "/face_node/change_state")
    state = ros_listener.call(get_state, GetState.Request())
    assert state.current_state.label == "unconfigured"
    for transition in (Transition.TRANSITION_CONFIGURE, Transition.TRANSITION_ACTIVATE):
        request = ChangeState.Request(transition=Transition(id=transition))
        assert ros_listener.call(change, request, attempts=1).success, node.read_log()
    assert ros_listener.call(get_state, GetState.Request()).current_state.label == "active"
    publisher = ros_listener.publisher(Image, "image_raw")
    assert ros_listener.wait_for_subscribers(publisher, timeout_s=20)
    publisher.publish(_image_msg(astronaut_bgr(), 1.0))
    assert arrays.wait_for(1, timeout_s=20), node.read_log()


def test_a_node_left_on_raw_images_takes_compressed_ones_when_only_they_are_published(
    ros_node_process, ros_listener
):
    """A bag recorded with ``emotion-ros record --compress-images`` replays only
    image_raw/compressed: the face node (use_compressed false, as shipped) must answer it."""
    import cv2
    from builtin_interfaces.msg import Time
    from sensor_msgs.msg import CompressedImage

    from emotion_ros.msg import FaceLandmarksArray

    arrays = ros_listener.subscribe(FaceLandmarksArray, "faces/landmarks")
    node = ros_node_process("face_node", params=FACE_PARAMS)
    publisher = ros_listener.publisher(CompressedImage, "image_raw/compressed")
    assert ros_listener.wait_for_subscribers(publisher, timeout_s=30), node.read_log()
    jpeg = cv2.imencode(".jpg", astronaut_bgr())[1].tobytes()
    for i in range(3):
        msg = CompressedImage(format="jpeg", data=jpeg)
        msg.header.stamp = Time(sec=5 + i)
        publisher.publish(msg)
        time.sleep(0.3)
    assert arrays.wait_for(3, timeout_s=20), node.read_log()
    assert all(len(a.faces) == 1 for a in arrays.messages)
    assert "taking the compressed frames" in node.read_log()
