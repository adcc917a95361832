"""End-to-end benchmark: frame stamp -> EmotionStampedArray received, through face + fusion nodes.

Starts the `processing` graph (face, audio, fusion nodes as separate processes, CPU) and publishes
640x480 frames with 1 and then 4 faces at 15 fps, stamped when published. Prints latency
p50/p99 (receive time minus frame stamp, same clock), throughput from the first answered frame,
how many frames were lost before it (a subscription completes its side of discovery a moment
after the publisher sees it) and how many after it (none expected).

Run: .venv/bin/python bench/bench_end_to_end.py [--seconds 20] [--fps 15]
"""

import argparse
import os
import tempfile
import time

import numpy as np

from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import load_graph
from emotion_ros.graph.topic_collector import TopicCollector
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns
from emotion_ros.vision.image_conversion import bgr_to_fields

from frames import frame_with_faces


def main() -> None:
    """Run both face counts and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fps", type=float, default=15.0)
    args = parser.parse_args()
    os.environ.setdefault("ROS_DOMAIN_ID", str(150 + os.getpid() % 50))
    os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    os.environ.setdefault("ROS_LOG_DIR", tempfile.mkdtemp(prefix="emotion_ros_bench_"))
    from sensor_msgs.msg import Image

    from emotion_ros.msg import EmotionStampedArray

    overrides = {"face_node": {"tracker_min_hits": 1}}  # the shipped QoS (best_available)
    print("faces  frames sent  lost at start  lost after  faces/array  p50 ms  p99 ms  arrays/s")
    for count in (1, 4):
        fields = bgr_to_fields(frame_with_faces(count))
        with GraphRunner(load_graph("processing"), overrides), TopicCollector() as io:
            arrays = io.subscribe(EmotionStampedArray, "emotion/array", 100)
            publisher = io.publisher(Image, "image_raw", 10)
            io.wait_for_subscribers(publisher)
            sent, started = 0, time.monotonic()
            while time.monotonic() - started < args.seconds:
                msg = Image(height=480, width=640, encoding="bgr8", step=fields.step)
                msg.data = fields.data
                msg.header.stamp = io.node.get_clock().now().to_msg()
                if sent == 0:
                    first_ns = stamp_to_ns(msg.header.stamp)
                publisher.publish(msg)
                sent += 1
                time.sleep(max(0.0, started + sent / args.fps - time.monotonic()))
            time.sleep(1.0)
        stamps = [stamp_to_ns(m.header.stamp) for m in arrays.messages]
        latency = (np.array(arrays.receive_ns) - np.array(stamps))[15:] / 1e6  # skip warm-up
        faces = np.mean([len(m.emotions) for m in arrays.messages[15:]])
        lost_at_start = round((stamps[0] - first_ns) / NS_PER_S * args.fps)
        rate = (len(stamps) - 1) / ((stamps[-1] - stamps[0]) / NS_PER_S)
        print(
            f"{count:5d}  {sent:11d}  {lost_at_start:13d}  {sent - lost_at_start - len(stamps):10d}"
            f"  {faces:11.2f}  {np.percentile(latency, 50):6.1f}  {np.percentile(latency, 99):6.1f}"
            f"  {rate:8.1f}"
        )


if __name__ == "__main__":
    main()
