"""The README's minimal rclpy controller runs as written and joins emotions to face boxes."""

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from emotion_ros.graph.node_process import child_environment

pytestmark = pytest.mark.process

REPO = Path(__file__).resolve().parents[1]


def readme_controller() -> str:
    """The Python block under the README's "Your own controller" heading."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Your own controller: a minimal rclpy subscriber", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_the_readme_controller_reports_a_confident_face_with_its_place(tmp_path, ros_listener):
    from emotion_ros.msg import EmotionStamped, FaceLandmarks, FaceLandmarksArray

    script = tmp_path / "my_controller.py"
    script.write_text(readme_controller())
    controller = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=child_environment(),
    )  # fmt: skip
    watchdog = threading.Timer(120, controller.kill)  # only keeps a hang from blocking the suite
    watchdog.start()
    lines = []
    try:
        faces = ros_listener.publisher(FaceLandmarksArray, "faces/landmarks")
        emotions = ros_listener.publisher(EmotionStamped, "emotion", 50)
        assert ros_listener.wait_for_subscribers(faces, timeout_s=30)
        assert ros_listener.wait_for_subscribers(emotions, timeout_s=30)
        frame = FaceLandmarksArray()
        frame.header.stamp.sec = 5
        face = FaceLandmarks(face_id="f00001")
        face.roi.x_offset, face.roi.width = 100, 50
        frame.faces = [face]
        faces.publish(frame)
        time.sleep(1.0)  # in a graph the fusion node answers a frame's landmarks after they came
        for face_id, confidence in (("f00001", 0.3), ("f00001", 0.9), ("f00002", 0.8)):
            emotion = EmotionStamped(face_id=face_id, label="Happy", confidence=confidence)
            emotion.header.stamp.sec = 5
            emotions.publish(emotion)
        for line in controller.stdout:  # the logger flushes each line
            lines.append(line)
            if "f00002" in line:
                break
    finally:
        controller.send_signal(signal.SIGINT)
        output = "".join(lines) + controller.communicate(timeout=30)[0]
        watchdog.cancel()
    reports = [line.split("]: ", 1)[1] for line in output.splitlines() if "looks" in line]
    assert reports == ["f00001 looks Happy (0.90) at x=125", "f00002 looks Happy (0.80)"], output
    assert controller.returncode == 0 and "Traceback" not in output, output
