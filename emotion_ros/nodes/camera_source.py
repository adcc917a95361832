"""Camera source: publishes sensor_msgs/Image from a webcam, a video file or an image folder.

With no ``source`` it plays the bundled clip (data/default_faces.mp4), so the whole graph runs with
no camera. On a robot, ``usb_cam`` or ``v4l2_camera`` can replace it: remap their image topic.

A camera (``source`` "0" or /dev/videoN) that cannot be opened, or that stops delivering frames, is
hardware that may come (back) later: the node logs the reason once, tries again every ``retry_s``
and reports ERROR on ``/diagnostics`` with the reason and the number of failed attempts. A file or
folder that cannot be read is a mistake in the parameters: the node logs one fatal line naming it
and exits with code 1.
"""

from typing import Any

from rclpy.node import Node
from sensor_msgs.msg import Image

from emotion_ros.package_paths import share_path
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.device_retry import DeviceRetry
from emotion_ros.ros.image_messages import image_message
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.subscriber_wait import still_waiting
from emotion_ros.stats import RateMeter
from emotion_ros.vision.frame_source import FrameSource, FrameSourceError, is_device

DEFAULT_CLIP = "default_faces.mp4"

# name: Param; the values are in config/camera_source.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "source": Param(
        "Device index or /dev/videoN, a video file or an image folder ('' = bundled clip)."
    ),
    "fps": Param("Publishing rate in Hz (0 = the video's own rate).", low=0.0),
    "width": Param(
        "Largest output width in pixels: wider frames are shrunk to fit, keeping their aspect "
        "ratio (0 = no bound).",
        low=0,
    ),
    "height": Param(
        "Largest output height in pixels: taller frames are shrunk to fit, keeping their aspect "
        "ratio (0 = no bound).",
        low=0,
    ),
    "keep_aspect_ratio": Param(
        "true: width x height is a bound, never stretched to; false: every frame is stretched to "
        "exactly width x height."
    ),
    "loop": Param("Start a file or folder again at its end (false: stop publishing)."),
    "frame_id": Param("header.frame_id of the images.", dynamic=True),
    "wait_for_subscribers": Param(
        "Hold the first frame until this many subscriptions are matched (0 = publish at once).",
        low=0,
    ),
    "retry_s": Param(
        "Seconds between attempts to open a camera device that is missing or lost.", above=0.0
    ),
}


class CameraSource(Node):
    """Publishes frames on ``image_raw`` at a fixed rate, stamped with the capture time."""

    # A class default, so that destroy_node() works on a node whose __init__ raised (rclpy destroys
    # every node of its context at shutdown, half-built ones too).
    _source: FrameSource | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("camera_source", **kwargs)
        # frame_id changes at run time: every frame reads it from self.params
        self.params = p = declare_parameters(self, "camera_source", PARAMETERS)
        self._name = p["source"] or str(share_path("data", DEFAULT_CLIP))
        self._publisher = self.create_publisher(Image, "image_raw", 5)
        self._rate = RateMeter()
        # A clip played before the face node has matched would lose its first frames: discovery
        # takes a moment after the publisher is created.
        self._waiting_for = p["wait_for_subscribers"]
        self._timer: Any = None
        self._device: DeviceRetry | None = None
        if is_device(self._name):
            self._device = DeviceRetry("camera", self._name, p["retry_s"])
            self.create_timer(p["retry_s"], self._open_device)
            self._open_device()
        else:  # a file or folder: FrameSourceError ends the node (exit code 1, see main)
            self._start(self._open(p["loop"]))
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "camera", self._name, self._status
        )

    def _open(self, loop: bool) -> FrameSource:
        """The source, its frames fitted to width x height (see frame_source.fitted_size)."""
        p = self.params
        return FrameSource(self._name, loop, p["width"], p["height"], p["keep_aspect_ratio"])

    def _open_device(self) -> None:
        if self._source is not None:
            return
        try:
            source = self._open(loop=False)
        except FrameSourceError as exc:
            self._lost(str(exc))
            return
        self._device.opened(self.get_logger().info)
        self._start(source)

    def _start(self, source: FrameSource) -> None:
        self._source = source
        self._frames = source.frames()
        fps = self.params["fps"] or source.native_fps or 15.0
        self._timer = self.create_timer(1.0 / fps, self._publish_next)
        self.get_logger().info(
            f"publishing {self._name} on {self._publisher.topic_name} at {fps} Hz"
        )

    def _lost(self, reason: str) -> None:
        """The camera device failed to open or stopped: close it and go back to retrying."""
        if self._source is not None:
            self.destroy_timer(self._timer)
            self._source.close()
            self._source = None
        self._device.failed(reason, self.get_logger().error)

    def _publish_next(self) -> None:
        if self._waiting_for:
            if still_waiting(self, self._waiting_for, self._publisher.get_subscription_count()):
                return
            self._waiting_for = 0
        try:
            frame = next(self._frames)
        except StopIteration:
            if self._device is not None:
                self._lost("the camera stopped delivering frames")
                return
            self.get_logger().info("end of the source; no more frames (loop is false)")
            self._timer.cancel()
            return
        except FrameSourceError as exc:
            if self._device is not None:
                self._lost(str(exc))
                return
            self.get_logger().error(str(exc), throttle_duration_sec=5.0)
            return
        msg = image_message(frame, self.get_clock().now().to_msg(), self.params["frame_id"])
        self._publisher.publish(msg)
        self._rate.tick()

    def _status(self) -> tuple[int, str, dict[str, str]]:
        values = self._device.diagnostic_values() if self._device is not None else {}
        if self._source is None:
            return diagnostics.ERROR, f"no camera: {self._device.error}", values
        rate = self._rate.rate()
        values["rate (Hz)"] = f"{rate:.1f}"
        if rate > 0:
            return diagnostics.OK, "publishing", values
        return diagnostics.WARN, "no frames", values

    def destroy_node(self) -> None:
        """Release the camera or file as well."""
        if self._source is not None:
            self._source.close()
        super().destroy_node()


def main(args: list[str] | None = None) -> int:
    """Run the camera source until shutdown; exit code 1 when a file or folder cannot be read."""
    return run_node(
        CameraSource,
        "camera_source",
        args,
        parameters=PARAMETERS,
        startup_errors=(FrameSourceError,),
    )
