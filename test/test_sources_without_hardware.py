"""Camera and microphone sources on a machine without a camera or a microphone (CI).

The real-device paths need hardware that CI lacks; the bundled clip and speech exercise the same
publishing code (test_graph_end_to_end.py). Here: what a user sees when the device is missing. A
device (microphone, camera) is retried and reported on /diagnostics, the node keeps running; a
file that does not exist is a mistake in the parameters and ends the node with one line.
"""

import time

import pytest

from emotion_ros.audio.microphone import MicrophoneError, open_microphone
from emotion_ros.ros.device_retry import DeviceRetry

ERROR = b"\x02"


def test_each_reason_is_logged_once_and_every_attempt_is_counted():
    retry = DeviceRetry("camera", "/dev/video3", retry_s=2.5)
    logged: list[str] = []
    for error in ["cannot open '/dev/video3' with OpenCV"] * 2 + ["device busy"]:
        retry.failed(error, logged.append)
    assert len(logged) == 2
    assert "camera not available: cannot open '/dev/video3'" in logged[0]
    assert "every 2.5 s" in logged[0] and "device busy" in logged[1]
    assert retry.diagnostic_values() == {
        "failed attempts": "3",
        "retry every (s)": "2.5",
        "last error": "device busy",
    }
    retry.opened(logged.append)
    assert logged[-1] == "opened camera '/dev/video3' after 3 failed attempts"
    assert "last error" not in retry.diagnostic_values()
    # the device worked in between, so the same reason is news again when it is lost
    retry.failed("device busy", logged.append)
    assert len(logged) == 4 and retry.diagnostic_values()["failed attempts"] == "4"


@pytest.mark.parametrize(
    ("device", "reason"),
    [
        ("97", "97"),  # PortAudioError, which is not an OSError: it used to kill mic_source
        ("no such microphone", "no such microphone"),  # ValueError from the name lookup
    ],
)
def test_every_way_of_missing_a_microphone_is_a_microphone_error(device, reason):
    for rescan in (False, True):
        with pytest.raises(MicrophoneError, match=reason):
            open_microphone(device, 16_000, 1, 1600, lambda *args: None, rescan=rescan)


def statuses_named(diagnostics, name):
    return [s for array in diagnostics.messages for s in array.status if s.name == name]


def wait_for_attempts(diagnostics, name, attempts, timeout_s=20.0):
    """Statuses of ``name`` until one reports at least ``attempts`` failed attempts."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        statuses = statuses_named(diagnostics, name)
        values = {kv.key: kv.value for kv in statuses[-1].values} if statuses else {}
        if int(values.get("failed attempts", 0)) >= attempts:
            return statuses
        time.sleep(0.2)
    pytest.fail(
        f"no {name} status with {attempts} failed attempts: {statuses_named(diagnostics, name)}"
    )


@pytest.mark.process
@pytest.mark.parametrize(
    ("executable", "params", "kind", "reason"),
    [
        ("camera_source", {"source": "/dev/video97"}, "camera", "cannot open '/dev/video97'"),
        # index 97: PortAudio's "Error querying device 97" on any machine, the error that escaped
        ("mic_source", {"device": "97"}, "microphone", "device 97"),
    ],
)
def test_a_missing_device_is_retried_logged_once_and_reported_on_diagnostics(
    ros_node_process, ros_listener, executable, params, kind, reason
):
    from diagnostic_msgs.msg import DiagnosticArray

    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 50)
    node = ros_node_process(executable, params={**params, "retry_s": 0.3})
    status = wait_for_attempts(diagnostics, f"{executable}: {kind}", attempts=4)[-1]
    assert status.level == ERROR
    assert status.message.startswith(f"no {kind}: ") and reason in status.message
    assert node.is_running(), node.read_log()
    log = node.read_log()
    assert log.count(f"{kind} not available: ") == 1 and reason in log, log
    assert "retrying every 0.3 s" in log and "Traceback" not in log


@pytest.mark.process
def test_a_missing_video_file_exits_with_code_1_and_one_line(ros_node_process, tmp_path):
    missing = tmp_path / "no_such_clip.mp4"
    node = ros_node_process("camera_source", params={"source": str(missing)})
    node.process.wait(timeout=20)
    assert node.process.returncode == 1
    lines = node.read_log().strip().splitlines()
    assert len(lines) == 1, lines
    assert "[FATAL]" in lines[0] and f"cannot start: '{missing}' is not a device" in lines[0]


@pytest.mark.parametrize(
    ("size", "bound", "keep", "published"),
    [
        ((1280, 720), (640, 480), True, (640, 360)),  # 16:9 shrunk to fit, not squeezed to 4:3
        ((512, 512), (640, 480), True, (480, 480)),
        ((320, 240), (640, 480), True, (320, 240)),  # smaller than the bound: as it is
        ((1280, 720), (0, 480), True, (853, 480)),  # 0: no bound on that side
        ((1280, 720), (0, 0), True, (1280, 720)),
        ((1280, 720), (640, 480), False, (640, 480)),  # asked to stretch
    ],
)
def test_frames_are_fitted_to_the_bound_keeping_their_aspect_ratio(size, bound, keep, published):
    from emotion_ros.vision.frame_source import fitted_size

    assert fitted_size(size, bound, keep) == published


@pytest.mark.process
def test_the_camera_source_publishes_photos_in_their_own_aspect_ratio(
    ros_node_process, ros_listener, tmp_path
):
    """A folder of a 16:9 group photo and the 512x512 astronaut, with the default 640x480
    bound: each is published shrunk to fit it, neither stretched to 4:3."""
    import cv2
    from group_photo import group_photo
    from sensor_msgs.msg import Image

    from face_images import astronaut_bgr

    cv2.imwrite(str(tmp_path / "1 group.png"), group_photo()[0])
    cv2.imwrite(str(tmp_path / "2 astronaut.png"), astronaut_bgr())
    images = ros_listener.subscribe(Image, "image_raw")
    camera = ros_node_process("camera_source", params={"source": str(tmp_path), "fps": 10.0})
    assert images.wait_for(4, timeout_s=30), camera.read_log()
    sizes = {(msg.width, msg.height) for msg in images.messages}
    assert sizes == {(640, 360), (480, 480)}, sizes
