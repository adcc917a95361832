"""Camera frames from a driver that does not use the project's DDS profile: how many are answered.

A camera driver (usb_cam, v4l2_camera, realsense) runs in its own process with Fast DDS's defaults;
``bench/plain_camera.py`` stands in for it (plain rclpy, imports nothing from emotion_ros). It
publishes 1-face frames at 30 fps to the face node alone (answers: ``faces/landmarks``) and to the
``processing`` graph (answers: ``emotion/array``), at 640x480 and 1280x720, with every node at its
defaults. Camera set-ups:

- ``reliable``: the driver publishes reliably (most drivers' default);
- ``best_effort``: the driver publishes best effort (SensorDataQoS), nothing else changed;
- ``best_effort+large_data``: the same with ``FASTDDS_BUILTIN_TRANSPORTS=LARGE_DATA`` in the
  driver's environment only;
- ``best_effort+large_data_all``: ``FASTDDS_BUILTIN_TRANSPORTS=LARGE_DATA`` in every process (the
  nodes then leave the project's profile alone);
- ``best_effort+profile``: the same with the project's profile in the driver's environment
  (``FASTDDS_DEFAULT_PROFILES_FILE=<share>/config/fastdds_large_frames.xml``);
- ``reliable+profile``: a reliable driver with the project's profile.

Prints, per run, frames sent, frames answered (%), frames the face node received but dropped from
its own queue because inference fell behind (its /diagnostics "dropped frames": CPU, not
transport), the rest (lost in transport), and latency p50/p99 (answer received minus frame stamp,
one clock).

Run: .venv/bin/python bench/bench_camera_qos.py [--seconds 10] [--sizes 640x480 1280x720]
     [--targets face_node graph] [--cameras reliable best_effort ...] [--set NODE.PARAM=VALUE]
"""

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from emotion_ros.cli.parameter_overrides import add_set_argument, parse_overrides
from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import load_graph
from emotion_ros.graph.node_process import child_environment
from emotion_ros.graph.topic_collector import TopicCollector
from emotion_ros.package_paths import share_path
from emotion_ros.ros.dds_profile import (
    BUILTIN_TRANSPORTS_VARIABLE,
    LEGACY_PROFILE_VARIABLE,
    PROFILE_FILE,
    PROFILE_VARIABLE,
)
from emotion_ros.timestamps import stamp_to_ns

from frames import frame_with_faces

HERE = Path(__file__).resolve().parent
LARGE_DATA = {BUILTIN_TRANSPORTS_VARIABLE: "LARGE_DATA"}
PROFILE = {PROFILE_VARIABLE: str(share_path("config", PROFILE_FILE))}
# set-up: (the driver's reliability, its extra environment, every process's extra environment)
CAMERAS = {
    "reliable": ("reliable", {}, {}),
    "best_effort": ("best_effort", {}, {}),
    "best_effort+large_data": ("best_effort", LARGE_DATA, {}),
    "best_effort+large_data_all": ("best_effort", {}, LARGE_DATA),
    "best_effort+profile": ("best_effort", PROFILE, {}),
    "reliable+profile": ("reliable", PROFILE, {}),
}


def camera_environment(extra: dict[str, str]) -> dict[str, str]:
    """A driver's environment: this one's, without the project's profile, plus ``extra``."""
    env = child_environment()
    for variable in (PROFILE_VARIABLE, LEGACY_PROFILE_VARIABLE):
        env.pop(variable, None)
    env.update(extra)
    return env


def run_once(
    target: str, size: tuple[int, int], camera: str, seconds: float, fps: float, overrides: dict
) -> dict:
    """One graph, one camera; the frames it sent and the answers (stamp, receive ns)."""
    from diagnostic_msgs.msg import DiagnosticArray

    from emotion_ros.msg import EmotionStampedArray, FaceLandmarksArray

    graph = load_graph("processing")
    if target == "face_node":
        graph = dataclasses.replace(graph, nodes=(graph.node("face_node"),))
        overrides = {k: v for k, v in overrides.items() if k == "face_node"}
        answer_type, answer_topic = FaceLandmarksArray, "faces/landmarks"
    else:
        answer_type, answer_topic = EmotionStampedArray, "emotion/array"
    reliability, extra, everyone = CAMERAS[camera]
    # this process (the listener) and the nodes it starts take their Fast DDS set-up from here
    for variable in (PROFILE_VARIABLE, BUILTIN_TRANSPORTS_VARIABLE):
        os.environ.pop(variable, None)
    os.environ.update(everyone)
    width, height = size
    with tempfile.TemporaryDirectory() as tmp:
        frame_path = Path(tmp) / "frame.png"
        cv2.imwrite(str(frame_path), cv2.resize(frame_with_faces(1), (width, height)))
        with (
            GraphRunner(graph, overrides, log_dir=Path(tmp)),
            TopicCollector("camera_qos_listener") as io,
        ):
            answers = io.subscribe(answer_type, answer_topic, 100)
            diagnostics = io.subscribe(DiagnosticArray, "/diagnostics", 50)
            command = [sys.executable, str(HERE / "plain_camera.py"), str(frame_path)]
            command += ["--fps", str(fps), "--seconds", str(seconds), "--reliability", reliability]
            environment = camera_environment({**everyone, **extra})
            done = subprocess.run(
                command, env=environment, capture_output=True, text=True, check=True
            )
            time.sleep(2.0)  # answers in flight, and one more diagnostics message
    sent = json.loads(done.stdout.strip().splitlines()[-1])["stamps"]
    received = {
        stamp_to_ns(m.header.stamp): t
        for m, t in zip(answers.messages, answers.receive_ns, strict=True)
    }
    answered = [received[s] - s for s in sent if s in received]
    statuses = [s for d in diagnostics.messages for s in d.status if s.name.startswith("face_node")]
    dropped = int({kv.key: kv.value for kv in statuses[-1].values}["dropped frames"])
    return {
        "sent": len(sent),
        "answered": len(answered),
        "dropped": dropped,
        "latency_ns": answered,
    }


def main() -> None:
    """Run every combination asked for and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--sizes", nargs="+", default=["640x480", "1280x720"])
    parser.add_argument("--targets", nargs="+", default=["face_node", "graph"])
    parser.add_argument("--cameras", nargs="+", default=list(CAMERAS), choices=list(CAMERAS))
    add_set_argument(parser, "the nodes (default: none, the shipped settings)")
    args = parser.parse_args()
    os.environ.setdefault("ROS_DOMAIN_ID", str(150 + os.getpid() % 50))
    os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    os.environ.setdefault("ROS_LOG_DIR", tempfile.mkdtemp(prefix="emotion_ros_bench_"))
    print(
        f"{'size':9s}  {'target':9s}  {'camera':22s}  sent  answered      queue drops  "
        "transport losses  p50 ms  p99 ms"
    )
    for size_text in args.sizes:
        size = tuple(int(v) for v in size_text.split("x"))
        for target in args.targets:
            for camera in args.cameras:
                overrides = parse_overrides(args.overrides)
                result = run_once(target, size, camera, args.seconds, args.fps, overrides)
                share = result["answered"] / result["sent"]
                latency = np.asarray(result["latency_ns"]) / 1e6
                p50, p99 = np.percentile(latency, [50, 99]) if latency.size else (np.nan,) * 2
                lost = result["sent"] - result["answered"] - result["dropped"]
                print(
                    f"{size_text:9s}  {target:9s}  {camera:22s}  {result['sent']:4d}  "
                    f"{result['answered']:4d} {share:6.1%}  {result['dropped']:11d}  {lost:16d}  "
                    f"{p50:6.1f}  {p99:6.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
