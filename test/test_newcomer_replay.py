"""A newcomer's recording replayed into the processing graph: compressed frames only (as
``emotion-ros record --compress-images`` keeps them), old stamps, the bag's own clock."""

import signal
import subprocess
import time

import cv2
import pytest

from emotion_ros.timestamps import NS_PER_S

from face_images import astronaut_bgr
from user_commands import child_environment, cut_graph_run, run_as_user

pytestmark = [pytest.mark.process, pytest.mark.whole_graph]  # a graph replayed in real time

START_NS = 1_700_000_000 * NS_PER_S  # November 2023: a recording, not now


def write_compressed_bag(path, seconds: int = 3, rate_hz: int = 10) -> None:
    """Only image_raw/compressed, JPEG frames of a real face stamped in 2023."""
    from rclpy.serialization import serialize_message
    from rosbags.rosbag2 import StoragePlugin, Writer
    from sensor_msgs.msg import CompressedImage

    from emotion_ros.bags.typestore import project_typestore
    from emotion_ros.ros.time_conversions import ns_to_stamp

    jpeg = cv2.imencode(".jpg", astronaut_bgr())[1].tobytes()
    with Writer(path, version=9, storage_plugin=StoragePlugin.MCAP) as writer:
        topic = "/image_raw/compressed"
        connection = writer.add_connection(
            topic, "sensor_msgs/msg/CompressedImage", typestore=project_typestore()
        )
        for k in range(seconds * rate_hz):
            t = START_NS + k * NS_PER_S // rate_hz
            msg = CompressedImage(format="jpeg", data=jpeg)
            msg.header.stamp = ns_to_stamp(t)
            writer.write(connection, t, serialize_message(msg))


def test_a_compressed_recording_replayed_with_its_clock_gives_emotions_in_bag_time(tmp_path):
    bag = tmp_path / "my_session"
    write_compressed_bag(bag)
    command = cut_graph_run(("face_node", "fusion_node"), "processing", "--sim-time",
                            "--duration", "60")  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=child_environment())  # fmt: skip
    lines: list[str] = []
    try:
        for line in run.stdout:
            lines.append(line.rstrip())
            if "every node is up" in line:
                break
        time.sleep(1.0)  # the face node subscribes to the compressed topic once it is published
        replay = run_as_user("emotion-ros", "replay", str(bag), "--clock")
        assert replay.code == 0, replay.lines
        assert any("--sim-time" in line for line in replay.lines), "replay says what to set"
        time.sleep(3.0)
    finally:
        run.send_signal(signal.SIGINT)
        rest, _ = run.communicate(timeout=60)
    lines += rest.splitlines()
    emotions = [line for line in lines if line.endswith(" ms") and "valence" in line]
    assert len(emotions) >= 10, "\n".join(lines)
    latencies_ms = [float(line.split()[-2]) for line in emotions]
    assert max(latencies_ms) < 5_000, f"latency in bag time, not since 2023: {latencies_ms}"
    assert not any("after their frames' stamps" in line for line in lines)
