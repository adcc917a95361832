"""Camera and microphone sources on a machine without a camera or a microphone (CI).

The real-device paths need hardware that CI lacks; the bundled clip and speech exercise the same
publishing code (test_graph_end_to_end.py). Here: what a user sees when the device is missing.
"""

import time

import pytest

pytestmark = pytest.mark.process


def test_a_missing_camera_exits_with_a_clear_message(ros_node_process):
    node = ros_node_process("camera_source", params={"source": "/dev/video97"})
    node.process.wait(timeout=20)
    assert node.process.returncode == 1
    assert "cannot open '/dev/video97'" in node.read_log()


def test_a_missing_microphone_is_logged_and_the_node_keeps_running(ros_node_process):
    node = ros_node_process("mic_source", params={"device": "no such microphone", "retry_s": 0.5})
    deadline = time.monotonic() + 15
    while "cannot open microphone" not in node.read_log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "cannot open microphone 'no such microphone'" in node.read_log()
    time.sleep(1.5)  # retries happen without crashing
    assert node.is_running(), node.read_log()
