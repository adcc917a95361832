"""Fully populated messages for the cross-process round-trip test.

Run as a script it publishes them until it is stopped, so the test can receive them from a
different process: ``python test/message_fixtures.py``.
"""

import array
import sys
import time

import numpy as np

EMOTION_TOPIC = "roundtrip/emotion"
LANDMARKS_TOPIC = "roundtrip/landmarks"


def make_emotion():
    """Return an EmotionStamped with every field set (floats exact in float32, so == holds)."""
    from builtin_interfaces.msg import Duration, Time

    from emotion_ros.msg import EmotionStamped

    msg = EmotionStamped()
    msg.header.stamp = Time(sec=1_700_000_123, nanosec=456_789_012)
    msg.header.frame_id = "camera_optical_frame"
    msg.face_id = "f00042"
    msg.label = "Surprised"
    msg.class_names = ["Happy", "Angry", "Sad", "Neutral", "Surprised", "Worried"]
    msg.probabilities = array.array("f", [0.0625, 0.0625, 0.125, 0.125, 0.5, 0.125])
    msg.confidence = 0.5
    msg.valence = 0.25
    msg.arousal = 0.75
    msg.modalities = [EmotionStamped.MODALITY_LOWER_FACE, EmotionStamped.MODALITY_AUDIO]
    msg.audio_missing = True
    msg.latency = Duration(sec=0, nanosec=37_000_000)
    return msg


def make_landmarks():
    """Return a FaceLandmarks with 478 distinct points and every field set."""
    from builtin_interfaces.msg import Time

    from emotion_ros.msg import FaceLandmarks

    msg = FaceLandmarks()
    msg.header.stamp = Time(sec=12, nanosec=34)
    msg.header.frame_id = "camera_optical_frame"
    msg.face_id = "f00007"
    msg.roi.x_offset, msg.roi.y_offset, msg.roi.width, msg.roi.height = 100, 50, 220, 260
    msg.roi.do_rectify = True
    msg.detection_score = 0.9375
    msg.image_width, msg.image_height = 640, 480
    points = np.arange(FaceLandmarks.NUM_LANDMARKS * 3, dtype=np.float32) * 0.5 - 100.0
    msg.landmarks = points.tolist()
    return msg


def main() -> None:
    """Publish both messages at 10 Hz until interrupted."""
    import rclpy

    from emotion_ros.msg import EmotionStamped, FaceLandmarks

    rclpy.init()
    node = rclpy.create_node("roundtrip_publisher")
    emotion_pub = node.create_publisher(EmotionStamped, EMOTION_TOPIC, 10)
    landmarks_pub = node.create_publisher(FaceLandmarks, LANDMARKS_TOPIC, 10)
    emotion, landmarks = make_emotion(), make_landmarks()
    try:
        while rclpy.ok():
            emotion_pub.publish(emotion)
            landmarks_pub.publish(landmarks)
            time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()


if __name__ == "__main__":
    sys.exit(main())
