"""A stand-in for a camera driver (usb_cam, v4l2_camera, realsense): plain rclpy, nothing else.

It imports nothing from emotion_ros, so Fast DDS runs with whatever the environment says (by
default its defaults: 512 KB shared-memory segments), as a driver nobody here wrote does. It
publishes one image (a PNG read from disk) as bgr8 ``sensor_msgs/Image`` at a fixed rate, stamped
at publication, with reliable (most drivers' default QoS) or best-effort (SensorDataQoS)
reliability, once a subscriber has matched; then it prints a JSON line with the stamps it sent.

Run: .venv/bin/python bench/plain_camera.py frame.png --fps 30 --seconds 10 --reliability reliable
"""

import argparse
import json
import time

import cv2
import rclpy
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image

RELIABILITY = {"reliable": ReliabilityPolicy.RELIABLE, "best_effort": ReliabilityPolicy.BEST_EFFORT}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frame", help="PNG image to publish")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--reliability", choices=sorted(RELIABILITY), default="reliable")
    parser.add_argument("--topic", default="image_raw")
    args = parser.parse_args()
    frame = cv2.imread(args.frame, cv2.IMREAD_COLOR)
    rclpy.init()
    node = rclpy.create_node("plain_camera")
    qos = QoSProfile(
        history=HistoryPolicy.KEEP_LAST, depth=10, reliability=RELIABILITY[args.reliability]
    )
    publisher = node.create_publisher(Image, args.topic, qos)
    deadline = time.monotonic() + 60
    while publisher.get_subscription_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # the subscriber's side of the match completes a moment later
    height, width = frame.shape[:2]
    data = frame.tobytes()
    stamps = []
    started = time.monotonic()
    while len(stamps) < round(args.seconds * args.fps):
        msg = Image(height=height, width=width, encoding="bgr8", step=width * 3)
        msg.data = data
        msg.header.stamp = node.get_clock().now().to_msg()
        msg.header.frame_id = "camera_optical_frame"
        publisher.publish(msg)
        stamps.append(msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec)
        time.sleep(max(0.0, started + len(stamps) / args.fps - time.monotonic()))
    time.sleep(1.0)  # let a reliable publisher finish resending
    node.destroy_node()
    rclpy.shutdown()
    print(json.dumps({"stamps": stamps}))


if __name__ == "__main__":
    main()
