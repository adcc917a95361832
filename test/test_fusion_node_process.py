"""The fusion node as a process: emotions per face, missing audio, diagnostics, bad models."""

import shutil
import time

import numpy as np
import pytest

from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

pytestmark = pytest.mark.process


@pytest.fixture(scope="module")
def mesh():
    from emotion_ros.vision.face_mesh import still_image_detector

    from face_images import astronaut_bgr

    with still_image_detector() as detector:
        return detector.detect(astronaut_bgr())[0].landmarks


def landmarks_msg(points: np.ndarray, stamp_ns: int, face_ids: list[str]):
    from builtin_interfaces.msg import Time

    from emotion_ros.msg import FaceLandmarks, FaceLandmarksArray

    stamp = Time(sec=stamp_ns // NS_PER_S, nanosec=stamp_ns % NS_PER_S)
    msg = FaceLandmarksArray()
    msg.header.stamp = stamp
    for i, face_id in enumerate(face_ids):
        face = FaceLandmarks(face_id=face_id, image_width=640, image_height=480)
        face.header.stamp = stamp
        face.landmarks = (points + np.array([200.0 * i, 0, 0], np.float32)).ravel().tolist()
        msg.faces.append(face)
    return msg


def fusion_statuses(arrays: list) -> list:
    """The fusion node's statuses in a list of DiagnosticArrays."""
    return [s for d in arrays for s in d.status if "fusion_node" in s.name]


def audio_window_received(arrays: list) -> bool:
    values = ({kv.key: kv.value for kv in s.values} for s in fusion_statuses(arrays))
    return any(int(v["audio windows received"]) >= 1 for v in values)


def test_emotions_per_face_with_audio_and_diagnostics(ros_node_process, ros_listener, mesh):
    from diagnostic_msgs.msg import DiagnosticArray

    from emotion_ros.msg import AudioWindow, EmotionStamped, FaceLandmarksArray

    emotions = ros_listener.subscribe(EmotionStamped, "emotion", 100)
    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 20)
    node = ros_node_process("fusion_node", params={"device": "cuda"})
    landmarks = ros_listener.publisher(FaceLandmarksArray, "faces/landmarks")
    audio = ros_listener.publisher(AudioWindow, "audio/windows")
    assert ros_listener.wait_for_subscribers(landmarks, timeout_s=30), node.read_log()
    assert ros_listener.wait_for_subscribers(audio, timeout_s=30), node.read_log()
    start = time.time_ns()
    window = AudioWindow(sample_rate=16_000, samples=np.zeros(32_000, np.float32).tolist())
    window.header.stamp.sec, window.header.stamp.nanosec = divmod(start, NS_PER_S)
    audio.publish(window)
    # The window and the frames travel on different topics: send the frames only once the node
    # says the window is in the fusion, whatever the load (a fixed sleep was flaky under load).
    assert diagnostics.wait_until(audio_window_received, timeout_s=30), node.read_log()
    for k in range(5):
        landmarks.publish(landmarks_msg(mesh, start + k * 66_000_000, ["f00000", "f00001"]))
    assert emotions.wait_for(10, timeout_s=30), node.read_log()
    by_frame = {}
    for msg in emotions.messages:
        by_frame.setdefault(stamp_to_ns(msg.header.stamp), []).append(msg)
    assert sorted(by_frame) == [start + k * 66_000_000 for k in range(5)]
    for msgs in by_frame.values():
        assert sorted(m.face_id for m in msgs) == ["f00000", "f00001"]
        for m in msgs:
            assert m.label == "Happy"  # the smiling astronaut
            assert not m.audio_missing and "audio" in m.modalities
            assert m.valence > 0.1  # a smiling face outvotes a window of silence
    # device cuda on a machine without a GPU: an error in the log, the node runs on the CPU
    assert "sees no CUDA GPU" in node.read_log() and node.is_running()
    status = fusion_statuses(list(diagnostics.messages))[-1]
    values = {kv.key: kv.value for kv in status.values}
    assert values["device"] == "cpu" and status.level == b"\x01"
    assert values["refused input"] == "0"


def test_a_corrupt_model_file_is_named_and_the_node_stays_up(ros_node_process, tmp_path):
    from emotion_ros.package_paths import share_path

    models = tmp_path / "models"
    shutil.copytree(share_path("models"), models)
    (models / "temporal.onnx").write_bytes(b"not an onnx file")
    node = ros_node_process("fusion_node", params={"models_dir": str(models)})
    deadline = time.monotonic() + 20
    while "configure failed" not in node.read_log() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = node.read_log()
    assert "temporal.onnx does not match its card" in log, log
    assert "configure failed" in log
    assert node.is_running(), "a failed configure leaves the lifecycle node up, unconfigured"


def test_a_users_partial_models_folder_is_completed_by_the_shipped_models(
    ros_node_process, tmp_path
):
    from emotion_ros.package_paths import share_path

    models = tmp_path / "my_models"  # what `emotion-ros train --model lower_face` leaves
    models.mkdir()
    for suffix in ("yaml", "onnx", "pt"):
        shutil.copy(share_path("models", f"lower_face.{suffix}"), models)
    node = ros_node_process("fusion_node", params={"models_dir": str(models)})
    deadline = time.monotonic() + 30
    while "loaded models" not in node.read_log() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = node.read_log()
    assert f"lower_face model: {models / 'lower_face.yaml'}" in log, log
    for role in ("all_landmarks", "temporal", "audio", "fusion"):
        assert f"{role} model: {share_path('models', role + '.yaml')}" in log
    assert "configure failed" not in log
