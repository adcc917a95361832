"""Face node: camera frames -> tracked, stamped 478-point face landmarks (FaceLandmarksArray).

The subscription callback hands frames to a worker thread that runs MediaPipe, through a queue of
at most ``max_pending_frames``. A late inference now and then is absorbed by the queue; when
inference is slower than the camera for longer, the oldest frames are dropped (and counted), so
the output is never behind the camera by more than that many frames. Every processed frame gives
one FaceLandmarksArray with the image's header, also when it has no face.
"""

import threading
import time
from typing import Any

import cv2
import numpy as np
from rclpy.lifecycle import State, TransitionCallbackReturn
from sensor_msgs.msg import CompressedImage, Image, RegionOfInterest

from emotion_ros.msg import EmotionStamped, FaceLandmarks, FaceLandmarksArray
from emotion_ros.ros import diagnostics
from emotion_ros.ros.lifecycle_autostart import AutostartLifecycleNode
from emotion_ros.ros.log_throttle import KeyedThrottle
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import sensor_qos_from_parameter
from emotion_ros.ros.time_conversions import stamp_to_ns
from emotion_ros.stats import LatencyWindow, RateMeter
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_mesh import FaceMeshDetector
from emotion_ros.vision.face_tracker import FaceTracker
from emotion_ros.vision.frame_processor import FaceFrameProcessor, TrackedFace
from emotion_ros.vision.frame_queue import DroppingFrameQueue
from emotion_ros.vision.image_conversion import (
    ImageConversionError,
    ImageFields,
    bgr_to_fields,
    compressed_to_bgr,
    image_to_bgr,
)

PARAMETERS: dict[str, tuple[Any, str]] = {
    "image_topic": ("image_raw", "sensor_msgs/Image input (image_raw/compressed when compressed)."),
    "use_compressed": (False, "Subscribe to <image_topic>/compressed (CompressedImage) instead."),
    "reliability": (
        "best_effort",
        "Input QoS: best_effort (SensorDataQoS), reliable, system_default.",
    ),
    "qos_depth": (1, "Input QoS depth (frames wait in the node's own queue, not in DDS)."),
    "max_pending_frames": (
        3,
        "Frames waiting for MediaPipe; when full the oldest is dropped (1 = newest only).",
    ),
    "max_faces": (4, "Most faces MediaPipe looks for per frame."),
    "min_detection_confidence": (0.5, "MediaPipe face detector threshold."),
    "min_tracking_confidence": (0.5, "MediaPipe landmark tracking threshold (below: re-detect)."),
    "tile_size": (
        0,
        "Search tiles of this size for far faces when fewer than max_faces (0 = off).",
    ),
    "max_image_pixels": (4096 * 4096, "Frames with more pixels are refused (8K frames are)."),
    "tracker_min_hits": (2, "Frames a face must be seen before it is published."),
    "tracker_max_misses": (5, "Frames a face is kept after it was last seen."),
    "tracker_max_cost": (1.0, "Largest match cost (centre distance in face sizes + log scale)."),
    "deterministic_ids": (False, "Ids f00000, f00001, ... instead of random ones (for tests)."),
    "publish_crops": (False, "Publish an aligned crop per face on faces/crops."),
    "crop_size": (224, "Side of the square face crops in pixels."),
    "publish_debug_image": (False, "Publish faces/debug_image with boxes, ids and emotions."),
}


class FaceNode(AutostartLifecycleNode):
    """Lifecycle node: MediaPipe is created in configure and released in cleanup."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("face_node", **kwargs)
        self.params = declare_parameters(self, PARAMETERS)
        self._processor: FaceFrameProcessor | None = None
        self._frames: DroppingFrameQueue[Image | CompressedImage] | None = None
        self._worker: threading.Thread | None = None
        self._subscriptions: list[Any] = []
        self._labels: dict[str, str] = {}
        self._input_rate, self._output_rate = RateMeter(), RateMeter()
        self._latency = LatencyWindow()
        self._drops = 0
        self._errors = 0
        self._throttle = KeyedThrottle(period_s=5.0)

    # --- lifecycle -------------------------------------------------------------------------------

    def on_configure(self, state: State) -> TransitionCallbackReturn:
        """Create MediaPipe and the publishers."""
        p = self.params
        if p["max_pending_frames"] < 1:
            self.get_logger().error(
                f"max_pending_frames must be at least 1, got {p['max_pending_frames']}"
            )
            return TransitionCallbackReturn.FAILURE
        try:
            detector = FaceMeshDetector(
                p["max_faces"],
                p["min_detection_confidence"],
                p["min_tracking_confidence"],
                tile_size=p["tile_size"],
            )
        except (ValueError, RuntimeError) as exc:
            self.get_logger().error(f"cannot create the MediaPipe face mesh: {exc}")
            return TransitionCallbackReturn.FAILURE
        tracker = FaceTracker(
            p["tracker_min_hits"],
            p["tracker_max_misses"],
            p["tracker_max_cost"],
            p["deterministic_ids"],
        )
        # The first MediaPipe call initialises its graph (~0.3 s); doing it here keeps that stall
        # out of the first camera frames, which would otherwise be dropped.
        detector.detect(np.zeros((480, 640, 3), np.uint8))
        self._processor = FaceFrameProcessor(detector, tracker)
        self._landmarks_pub = self.create_lifecycle_publisher(
            FaceLandmarksArray, "faces/landmarks", 10
        )
        self._crops_pub = self.create_lifecycle_publisher(Image, "faces/crops", 10)
        self._debug_pub = self.create_lifecycle_publisher(Image, "faces/debug_image", 2)
        self.get_logger().info(f"MediaPipe face mesh ready (up to {p['max_faces']} faces)")
        return TransitionCallbackReturn.SUCCESS

    def on_activate(self, state: State) -> TransitionCallbackReturn:
        """Subscribe to the camera and start the worker thread."""
        p = self.params
        qos = sensor_qos_from_parameter(p["reliability"], p["qos_depth"])
        if p["use_compressed"]:
            topic, msg_type = f"{p['image_topic']}/compressed", CompressedImage
        else:
            topic, msg_type = p["image_topic"], Image
        self._subscriptions = [self.create_subscription(msg_type, topic, self._on_image, qos)]
        if p["publish_debug_image"]:
            self._subscriptions.append(
                self.create_subscription(EmotionStamped, "emotion", self._on_emotion, 10)
            )
        self._frames = DroppingFrameQueue(p["max_pending_frames"])
        self._worker = threading.Thread(target=self._work, name="face_mesh", daemon=True)
        self._worker.start()
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "face landmarks", "mediapipe", self._status
        )
        self.get_logger().info(f"listening to {topic} ({msg_type.__name__})")
        return super().on_activate(state)

    def on_deactivate(self, state: State) -> TransitionCallbackReturn:
        """Stop the worker and unsubscribe."""
        self._stop_worker()
        for subscription in self._subscriptions:
            self.destroy_subscription(subscription)
        self._subscriptions = []
        self._diagnostics.destroy()
        return super().on_deactivate(state)

    def on_cleanup(self, state: State) -> TransitionCallbackReturn:
        """Release MediaPipe."""
        if self._processor is not None:
            self._processor.detector.close()
            self._processor = None
        for publisher in (self._landmarks_pub, self._crops_pub, self._debug_pub):
            self.destroy_lifecycle_publisher(publisher)
        return TransitionCallbackReturn.SUCCESS

    def on_shutdown(self, state: State) -> TransitionCallbackReturn:
        """Stop the worker wherever the node is."""
        self._stop_worker()
        return TransitionCallbackReturn.SUCCESS

    def destroy_node(self) -> None:
        """Stop the worker thread before the node goes."""
        self._stop_worker()
        super().destroy_node()

    def _stop_worker(self) -> None:
        if self._frames is not None:
            self._frames.close()
        if self._worker is not None:
            self._worker.join(timeout=5.0)
            self._worker = None

    # --- frames ----------------------------------------------------------------------------------

    def _on_image(self, msg: Image | CompressedImage) -> None:
        """Queue the frame for the worker; a full queue drops its oldest frame (counted)."""
        self._input_rate.tick()
        if self._frames is not None and self._frames.put(msg):
            self._drops += 1

    def _on_emotion(self, msg: EmotionStamped) -> None:
        self._labels[msg.face_id] = f"{msg.label} {msg.confidence:.2f}"

    def _work(self) -> None:
        frames = self._frames
        while (msg := frames.get()) is not None:
            try:
                self._process(msg)
            except Exception as exc:  # keep the node alive; the traceback goes to the log
                if not self.context.ok():
                    return  # Ctrl-C shut rclpy down while this frame was in MediaPipe
                self._errors += 1
                self.get_logger().error(
                    f"frame processing failed: {exc!r}", throttle_duration_sec=5.0
                )

    def _to_bgr(self, msg: Image | CompressedImage) -> np.ndarray | None:
        limit = self.params["max_image_pixels"]
        try:
            if isinstance(msg, CompressedImage):
                return compressed_to_bgr(msg.data, limit)
            fields = ImageFields(msg.encoding, msg.height, msg.width, msg.step, msg.data)
            return image_to_bgr(fields, limit)
        except ImageConversionError as exc:
            self._errors += 1
            self._throttle.log(self.get_logger().error, exc.kind, f"frame skipped: {exc}")
            return None

    def _process(self, msg: Image | CompressedImage) -> None:
        started = time.perf_counter()
        image = self._to_bgr(msg)
        if image is None:
            return
        stamp_ns = stamp_to_ns(msg.header.stamp)
        faces, reset = self._processor.process(image, stamp_ns)
        if reset:
            self.get_logger().warning(
                "frame stamp is not after the previous frame's; face tracks were reset",
                throttle_duration_sec=5.0,
            )
        height, width = image.shape[:2]
        out = FaceLandmarksArray(header=msg.header)
        for tracked in faces:
            x, y, w, h = tracked.face.roi
            out.faces.append(
                FaceLandmarks(
                    header=msg.header,
                    face_id=tracked.face_id,
                    roi=RegionOfInterest(x_offset=x, y_offset=y, width=w, height=h),
                    detection_score=tracked.presence,
                    image_width=width,
                    image_height=height,
                    landmarks=tracked.face.landmarks.ravel().tolist(),
                )
            )
        self._landmarks_pub.publish(out)
        self._output_rate.tick()
        self._latency.add(time.perf_counter() - started)
        self._publish_optional(msg, image, faces)

    def _publish_optional(self, msg: Any, image: np.ndarray, faces: list[TrackedFace]) -> None:
        """Crops and the debug image cost time: only when enabled and someone listens."""
        p = self.params
        if p["publish_crops"] and self._crops_pub.get_subscription_count() > 0:
            for tracked in faces:
                crop = aligned_crop(image, tracked.face.landmarks, p["crop_size"])
                self._crops_pub.publish(_image_msg(crop, msg.header, frame_id=tracked.face_id))
        if p["publish_debug_image"] and self._debug_pub.get_subscription_count() > 0:
            debug = image.copy()
            for tracked in faces:
                x, y, w, h = tracked.face.roi
                cv2.rectangle(debug, (x, y), (x + w, y + h), (0, 255, 0), 2)
                label = f"{tracked.face_id} {self._labels.get(tracked.face_id, '')}"
                cv2.putText(
                    debug, label, (x, max(15, y - 6)), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                    (0, 255, 0), 1, cv2.LINE_AA,
                )  # fmt: skip
            self._debug_pub.publish(_image_msg(debug, msg.header))

    def _status(self) -> tuple[int, str, dict[str, str]]:
        p50, p99 = self._latency.percentiles(50, 99)
        input_rate, output_rate = self._input_rate.rate(), self._output_rate.rate()
        level, message = diagnostics.OK, "processing frames"
        if input_rate == 0.0:
            level, message = diagnostics.WARN, "no camera frames"
        elif output_rate < 0.5 * input_rate:
            level, message = diagnostics.WARN, "processing less than half of the frames"
        return (
            level,
            message,
            {
                "input rate (Hz)": f"{input_rate:.1f}",
                "processed rate (Hz)": f"{output_rate:.1f}",
                "dropped frames": str(self._drops),
                "bad frames": str(self._errors),
                "latency p50/p99 (ms)": f"{p50 * 1e3:.1f} / {p99 * 1e3:.1f}",
            },
        )


def _image_msg(image_bgr: np.ndarray, header: Any, frame_id: str | None = None) -> Image:
    fields = bgr_to_fields(image_bgr)
    msg = Image(
        height=fields.height, width=fields.width, encoding=fields.encoding, step=fields.step
    )
    msg.header.stamp = header.stamp
    msg.header.frame_id = frame_id if frame_id is not None else header.frame_id
    msg.data = fields.data
    return msg


def main(args: list[str] | None = None) -> int:
    """Run the face node until shutdown."""
    return run_node(FaceNode, "face_node", args)
