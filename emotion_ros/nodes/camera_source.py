"""Camera source: publishes sensor_msgs/Image from a webcam, a video file or an image folder.

With no ``source`` it plays the bundled clip (data/default_faces.mp4), so the whole graph runs with
no camera. On a robot, ``usb_cam`` or ``v4l2_camera`` can replace it: remap their image topic.
"""

from typing import Any

from rclpy.node import Node
from sensor_msgs.msg import Image

from emotion_ros.package_paths import share_path
from emotion_ros.ros import diagnostics
from emotion_ros.ros.image_messages import image_message
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.stats import RateMeter
from emotion_ros.vision.frame_source import FrameSource, FrameSourceError

DEFAULT_CLIP = "default_faces.mp4"

# name: description; the values are in config/camera_source.yaml (the node's defaults).
PARAMETERS: dict[str, str] = {
    "source": "Device index or /dev/videoN, a video file or an image folder ('' = bundled clip).",
    "fps": "Publishing rate in Hz (0 = the video's own rate).",
    "width": "Output width in pixels (0 = native).",
    "height": "Output height in pixels (0 = native).",
    "loop": "Start a file or folder again at its end (false: stop publishing).",
    "frame_id": "header.frame_id of the images.",
    "wait_for_subscribers": "Hold the first frame until this many subscriptions are matched "
    "(0 = publish at once).",
}


class CameraSource(Node):
    """Publishes frames on ``image_raw`` at a fixed rate, stamped with the capture time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("camera_source", **kwargs)
        self.params = declare_parameters(self, "camera_source", PARAMETERS)
        source = self.params["source"] or str(share_path("data", DEFAULT_CLIP))
        self._source = FrameSource(
            source, self.params["loop"], self.params["width"], self.params["height"]
        )
        fps = self.params["fps"] or self._source.native_fps or 15.0
        self._frames = self._source.frames()
        self._publisher = self.create_publisher(Image, "image_raw", 5)
        self._rate = RateMeter()
        # A clip played before the face node has matched would lose its first frames: discovery
        # takes a moment after the publisher is created.
        self._waiting_for = self.params["wait_for_subscribers"]
        self._timer = self.create_timer(1.0 / fps, self._publish_next)
        self._diagnostics = diagnostics.DiagnosticsPublisher(self, "camera", source, self._status)
        self.get_logger().info(f"publishing {source} on {self._publisher.topic_name} at {fps} Hz")

    def _publish_next(self) -> None:
        if self._waiting_for:
            matched = self._publisher.get_subscription_count()
            if matched < self._waiting_for:
                self.get_logger().info(
                    f"waiting for {self._waiting_for} subscribers, {matched} matched",
                    throttle_duration_sec=5.0,
                )
                return
            self._waiting_for = 0
        try:
            frame = next(self._frames)
        except StopIteration:
            self.get_logger().info("end of the source; no more frames (loop is false)")
            self._timer.cancel()
            return
        except FrameSourceError as exc:
            self.get_logger().error(str(exc), throttle_duration_sec=5.0)
            return
        msg = image_message(frame, self.get_clock().now().to_msg(), self.params["frame_id"])
        self._publisher.publish(msg)
        self._rate.tick()

    def _status(self) -> tuple[int, str, dict[str, str]]:
        rate = self._rate.rate()
        level = diagnostics.OK if rate > 0 else diagnostics.WARN
        return level, "publishing" if rate > 0 else "no frames", {"rate (Hz)": f"{rate:.1f}"}

    def destroy_node(self) -> None:
        """Release the camera or file as well."""
        self._source.close()
        super().destroy_node()


def main(args: list[str] | None = None) -> int:
    """Run the camera source until shutdown; exit code 1 when the source cannot be opened."""
    return run_node(
        CameraSource,
        "camera_source",
        args,
        descriptions=PARAMETERS,
        startup_errors=(FrameSourceError,),
    )
