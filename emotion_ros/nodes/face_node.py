"""Face node: camera frames -> tracked, stamped 478-point face landmarks (FaceLandmarksArray).

The subscription callback hands frames to a worker thread that runs MediaPipe, through a queue of
at most ``max_pending_frames``. A late inference now and then is absorbed by the queue; when
inference is slower than the camera for longer, the oldest frames are dropped (and counted), so
the output is never behind the camera by more than that many frames. Every processed frame gives
one FaceLandmarksArray with the image's header, also when it has no face.

A frame that cannot be used (an encoding, size, step or stamp that the validators in
``vision/image_conversion.py`` and ``validation/stamps.py`` refuse, through ``ros/checked_input.py``
as in every node) gives no output, an ERROR line per kind of problem (throttled) and a
``refused: <kind>`` counter on /diagnostics.
"""

import threading
import time
from dataclasses import replace
from typing import Any

import numpy as np
from rclpy.lifecycle import State, TransitionCallbackReturn
from sensor_msgs.msg import CompressedImage, Image, RegionOfInterest

from emotion_ros.dropping_queue import DroppingQueue
from emotion_ros.models.model_card import ModelFileError
from emotion_ros.msg import FaceLandmarks, FaceLandmarksArray
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.checked_input import CheckedInput
from emotion_ros.ros.image_messages import image_message
from emotion_ros.ros.input_subscription import InputSubscription
from emotion_ros.ros.lifecycle_autostart import AutostartLifecycleNode
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import RELIABILITY_CHOICES, sensor_qos_from_parameter
from emotion_ros.ros.time_conversions import ns_to_stamp
from emotion_ros.stats import LatencyWindow, RateMeter
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.frame_processor import FaceFrameProcessor, TrackedFace
from emotion_ros.vision.image_conversion import message_to_bgr
from emotion_ros.vision.landmark_model import DEVICES as LANDMARK_DEVICES
from emotion_ros.vision.multi_face_mesh import LANDMARK_BACKENDS

TRANSPORT_CHECK_S = 1.0  # how often the node looks which image topic has publishers

# name: Param; the values are in config/face_node.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "image_topic": Param("sensor_msgs/Image input (image_raw/compressed when compressed)."),
    "use_compressed": Param(
        "Subscribe to <image_topic>/compressed (CompressedImage) instead. When false, the "
        "compressed topic is taken anyway while only it has publishers (a bag recorded with "
        "compressed images)."
    ),
    "reliability": Param(
        "Input QoS: best_available (reliable with a reliable camera, best effort with a "
        "best-effort one), best_effort (SensorDataQoS), reliable, system_default.",
        choices=RELIABILITY_CHOICES,
    ),
    "qos_depth": Param(
        "Input QoS depth: room in DDS for frames still being reassembled (the delay behind the "
        "camera is bounded by max_pending_frames, not by this).",
        low=1,
    ),
    "max_pending_frames": Param(
        "Frames waiting for MediaPipe; when full the oldest is dropped (1 = newest only).", low=1
    ),
    "max_faces": Param(
        "Most faces followed at once (one MediaPipe mesh each, made at configure).", low=1
    ),
    "min_detection_confidence": Param(
        "MediaPipe face detector threshold (frame and face crops).", low=0.0, high=1.0
    ),
    "min_tracking_confidence": Param(
        "MediaPipe landmark tracking threshold (below: re-detect).", low=0.0, high=1.0
    ),
    "min_face_size": Param(
        "Smallest face width in pixels the detector looks for; sets its scan windows (12 times "
        "this) besides the whole frame.",
        low=1,
        dynamic=True,
    ),
    "detection_interval": Param(
        "Frames between detector runs while faces are followed (each run scans one window); "
        "every frame while none is followed or one is lost.",
        low=1,
        dynamic=True,
    ),
    "mesh_threads": Param(
        "Threads that mesh a frame's faces in parallel (1 = one after another); with "
        "landmark_backend onnx, onnxruntime's intra-op threads.",
        low=1,
    ),
    "landmark_backend": Param(
        "What meshes the faces: mediapipe (a MediaPipe graph per face, the default) or onnx "
        "(MediaPipe's landmark model converted to ONNX, models/face_landmarks.yaml: all of a "
        "frame's faces in one onnxruntime call, for a GPU; no faster on the CPU).",
        choices=LANDMARK_BACKENDS,
    ),
    "landmark_device": Param(
        "Where landmark_backend onnx runs: cpu, or cuda (onnxruntime-gpu's CUDA provider; "
        "without it the CPU, with the reason).",
        choices=LANDMARK_DEVICES,
    ),
    "mesh_budget_ms": Param(
        "Milliseconds of meshing per frame (at the measured cost per mesh): when a group does "
        "not fit, its faces are meshed in turn, new and lost faces first, and the others carried "
        "forward with their mesh_stamp (0 = every face in every frame).",
        low=0.0,
        dynamic=True,
    ),
    "min_refresh_hz": Param(
        "Every followed face is meshed at least this often, even beyond mesh_budget_ms "
        "(0 = no minimum).",
        low=0.0,
        dynamic=True,
    ),
    "max_image_pixels": Param(
        "Frames with more pixels are refused (8K frames are).", low=1, dynamic=True
    ),
    "tracker_min_hits": Param("Frames a face must be seen before it is published.", low=1),
    "tracker_max_misses": Param(
        "Frames a lost face keeps its id (expected to move on as it moved).", low=0
    ),
    "tracker_max_cost": Param(
        "Largest match cost (centre distance in face sizes + log scale).", above=0.0
    ),
    "deterministic_ids": Param("Ids f00000, f00001, ... instead of random ones (for tests)."),
    "face_crop_size": Param(
        "Side of the aligned grey crop put into each FaceLandmarks for the appearance and "
        "occlusion models (0 = none; 48 = what the shipped models take).",
        low=0,
    ),
    "models_dir": Param(
        "Directory with the occlusion model's and the ONNX landmark model's cards ('' = the "
        "package's models/)."
    ),
    "occlusion_card": Param(
        "Card of the occlusion model in models_dir ('' = none: visibility -1)."
    ),
    "publish_crops": Param(
        "Publish an aligned colour crop per face on faces/crops (for viewing).", dynamic=True
    ),
    "crop_size": Param("Side of the colour crops on faces/crops in pixels.", low=1, dynamic=True),
}


class FaceNode(AutostartLifecycleNode):
    """Lifecycle node: MediaPipe is created in configure and released in cleanup."""

    # Class defaults, so that destroy_node() works on a node whose parameters were refused
    # (rclpy destroys every node of its context at shutdown, half-built ones too).
    _processor: FaceFrameProcessor | None = None
    _frames: DroppingQueue[Image | CompressedImage] | None = None
    _worker: threading.Thread | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("face_node", **kwargs)
        self.params = declare_parameters(self, "face_node", PARAMETERS, self._on_change)
        self._input: InputSubscription | None = None
        self._compressed = False  # which of the two image topics is subscribed to
        self._transport_timer: Any = None
        self._input_rate, self._output_rate = RateMeter(), RateMeter()
        self._latency = LatencyWindow()
        self._drops = 0
        self._errors = 0  # frames that failed inside MediaPipe or the tracker (not bad input)
        self._resets = 0  # tracker resets: a frame stamped not after the previous one
        self._refresh_rates: dict[str, float] = {}  # face id -> meshes per second, last frame
        self._checked = CheckedInput(self)

    def _on_change(self, name: str, value: Any) -> None:
        """Hand a dynamic parameter to the worker thread, which reads the settings once per frame:
        the frozen settings object is replaced, never changed, so a frame sees the old or the new
        one whole. The others (crops, max_image_pixels) are read from ``self.params`` per frame;
        before configure, configure reads them all from there."""
        if self._processor is None:
            return
        faces = self._processor.faces
        holder = {
            "mesh_budget_ms": faces.schedule,
            "min_refresh_hz": faces.schedule,
            "detection_interval": faces,
            "min_face_size": faces.detector,
        }.get(name)
        if holder is not None:
            holder.settings = replace(holder.settings, **{name: value})

    # --- lifecycle -------------------------------------------------------------------------------

    def on_configure(self, state: State) -> TransitionCallbackReturn:
        """Publish and subscribe, then create MediaPipe.

        The publishers and the camera subscription come first so that DDS matches them with the
        graph while MediaPipe loads (about a second): a respawned node then answers as soon as it
        is active instead of waiting for discovery after it. Frames that arrive before
        ``activate`` are not taken.
        """
        p = self.params
        self._landmarks_pub = self.create_lifecycle_publisher(
            FaceLandmarksArray, "faces/landmarks", 10
        )
        self._crops_pub = self.create_lifecycle_publisher(Image, "faces/crops", 10)
        self._subscribe(compressed=p["use_compressed"])
        if not p["use_compressed"]:
            self._transport_timer = self.create_timer(TRANSPORT_CHECK_S, self._follow_transport)
        try:
            self._processor = FaceFrameProcessor.from_parameters(p)
        except ModelFileError as exc:  # the occlusion or the landmark model (it names the file)
            self.get_logger().error(f"cannot load a face model: {exc}")
            self._release_io()
            return TransitionCallbackReturn.FAILURE
        except (ValueError, RuntimeError) as exc:
            self.get_logger().error(f"cannot create the face mesh: {exc}")
            self._release_io()
            return TransitionCallbackReturn.FAILURE
        if self._processor.faces.fallback_reason:
            self.get_logger().error(self._processor.faces.fallback_reason)
        device = "cpu" if self._processor.faces.fallback_reason else p["landmark_device"]
        self.get_logger().info(
            f"face mesh ready ({p['landmark_backend']} on {device}, up to {p['max_faces']} faces)"
        )
        return TransitionCallbackReturn.SUCCESS

    def on_activate(self, state: State) -> TransitionCallbackReturn:
        """Start the worker thread: frames are taken from now on."""
        p = self.params
        self._frames = DroppingQueue(p["max_pending_frames"])
        self._worker = threading.Thread(target=self._work, name="face_mesh", daemon=True)
        self._worker.start()
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "face landmarks", "mediapipe", self._status
        )
        return super().on_activate(state)

    def _subscribe(self, compressed: bool) -> None:
        p = self.params
        qos = sensor_qos_from_parameter(p["reliability"], p["qos_depth"])
        if self._input is not None:
            self._input.destroy()
        topic, msg_type = self._topics[compressed]
        self._input = InputSubscription(self, msg_type, topic, self._on_image, qos)
        self._compressed = compressed
        self.get_logger().info(f"listening to {topic} ({msg_type.__name__})")

    def _follow_transport(self) -> None:
        """Take the compressed frames while nobody publishes raw ones (a bag recorded with
        ``--compress-images``, a camera that only sends JPEG), and raw frames again when they
        come back: which one arrives is the publisher's choice, not the user's to guess. The
        compressed topic is subscribed to only then, because subscribing to it makes an
        image_transport camera encode every frame."""
        raw, compressed = (self.count_publishers(topic) for topic, _ in self._topics.values())
        if not self._compressed and raw == 0 and compressed > 0:
            self.get_logger().warning(
                f"nobody publishes {self._topics[False][0]}, {compressed} publish "
                f"{self._topics[True][0]}: taking the compressed frames "
                "(use_compressed: true asks for them from the start)"
            )
            self._subscribe(compressed=True)
        elif self._compressed and raw > 0:
            self._subscribe(compressed=False)

    @property
    def _topics(self) -> dict[bool, tuple[str, type]]:
        """The raw and the compressed image topic and type, by "compressed"."""
        topic = self.params["image_topic"]
        return {False: (topic, Image), True: (f"{topic}/compressed", CompressedImage)}

    def on_deactivate(self, state: State) -> TransitionCallbackReturn:
        """Stop the worker; frames are no longer taken (the subscription stays until cleanup)."""
        self._stop_worker()
        self._diagnostics.destroy()
        return super().on_deactivate(state)

    def on_cleanup(self, state: State) -> TransitionCallbackReturn:
        """Release MediaPipe, the subscription and the publishers."""
        if self._processor is not None:
            self._processor.close()
            self._processor = None
        self._release_io()
        return TransitionCallbackReturn.SUCCESS

    def _release_io(self) -> None:
        if self._transport_timer is not None:
            self.destroy_timer(self._transport_timer)
            self._transport_timer = None
        if self._input is not None:
            self._input.destroy()
            self._input = None
        for publisher in (self._landmarks_pub, self._crops_pub):
            self.destroy_lifecycle_publisher(publisher)

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
            self._frames = None  # the worker holds its own reference until it has drained
        if self._worker is not None:
            self._worker.join(timeout=5.0)
            self._worker = None

    # --- frames ----------------------------------------------------------------------------------

    def _on_image(self, msg: Image | CompressedImage) -> None:
        """Queue the frame for the worker; a full queue drops its oldest frame (counted)."""
        self._input_rate.tick()
        if self._frames is not None and self._frames.put(msg):
            self._drops += 1

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

    def _bgr(self, msg: Image | CompressedImage) -> np.ndarray:
        """The frame as BGR (the validator of images: ``vision.image_conversion``)."""
        return message_to_bgr(msg, self.params["max_image_pixels"])

    def _process(self, msg: Image | CompressedImage) -> None:
        started = time.perf_counter()
        checked = self._checked.take(msg, self._bgr, "frame")
        if checked is None:
            return
        stamp_ns, image = checked
        faces, reset = self._processor.process(image, stamp_ns)
        if reset:
            self._resets += 1
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
                    mesh_stamp=ns_to_stamp(tracked.mesh_stamp_ns),
                    roi=RegionOfInterest(x_offset=x, y_offset=y, width=w, height=h),
                    detection_score=tracked.presence,
                    image_width=width,
                    image_height=height,
                    landmarks=tracked.face.landmarks.ravel().tolist(),
                    crop_size=0 if tracked.crop is None else tracked.crop.shape[0],
                    crop=b"" if tracked.crop is None else tracked.crop.tobytes(),
                    upper_face_visible=tracked.upper_face_visible,
                    lower_face_visible=tracked.lower_face_visible,
                )
            )
        self._landmarks_pub.publish(out)
        self._output_rate.tick()
        self._latency.add(time.perf_counter() - started)
        self._refresh_rates = {
            f.face_id: self._processor.faces.refresh_rate(f.face_id, stamp_ns) for f in faces
        }
        self._publish_crops(msg, image, faces)

    def _publish_crops(self, msg: Any, image: np.ndarray, faces: list[TrackedFace]) -> None:
        """Crops cost time: only when enabled and someone listens."""
        if not self.params["publish_crops"] or self._crops_pub.get_subscription_count() == 0:
            return
        for tracked in faces:
            crop = aligned_crop(image, tracked.face.landmarks, self.params["crop_size"])
            self._crops_pub.publish(image_message(crop, msg.header.stamp, tracked.face_id))

    def _status(self) -> tuple[int, str, dict[str, str]]:
        p50, p99 = self._latency.percentiles(50, 99)
        input_rate, output_rate = self._input_rate.rate(), self._output_rate.rate()
        level, message = diagnostics.OK, "processing frames"
        if input_rate == 0.0:
            level, message = diagnostics.WARN, "no camera frames"
        elif output_rate < 0.5 * input_rate:
            level, message = diagnostics.WARN, "processing less than half of the frames"
        rates = dict(self._refresh_rates)
        slowest = min(rates.values(), default=0.0)
        if rates and level == diagnostics.OK and slowest < self.params["min_refresh_hz"]:
            level, message = diagnostics.WARN, "a face is meshed less often than min_refresh_hz"
        fallback = self._processor.faces.fallback_reason if self._processor else ""
        if fallback and level == diagnostics.OK:
            level, message = diagnostics.WARN, "landmarks run on the CPU, not landmark_device"
        return (
            level,
            message,
            {
                "input rate (Hz)": f"{input_rate:.1f}",
                "processed rate (Hz)": f"{output_rate:.1f}",
                "dropped frames": str(self._drops),
                "faces": str(len(rates)),
                "slowest face refresh (Hz)": f"{slowest:.1f}",
                **{f"refresh {face_id} (Hz)": f"{hz:.1f}" for face_id, hz in sorted(rates.items())},
                "processing errors": str(self._errors),
                "tracker resets (stamp not after the previous)": str(self._resets),
                "latency p50/p99 (ms)": f"{p50 * 1e3:.1f} / {p99 * 1e3:.1f}",
                **self._checked.diagnostic_values(),
            },
        )


def main(args: list[str] | None = None) -> int:
    """Run the face node until shutdown."""
    return run_node(FaceNode, "face_node", args, parameters=FaceNode.parameter_table(PARAMETERS))
