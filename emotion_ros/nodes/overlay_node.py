"""Overlay node: camera frames + face boxes + emotions -> ``emotion/debug_image``.

For watching the output in rviz or rqt_image_view. It pairs the three topics by the frame's
stamp (every FaceLandmarksArray and EmotionStampedArray carries its camera frame's stamp) and
draws with the same code as ``emotion-ros show``. Kept out of the face node, so the face path
never waits for drawing and there is no face -> fusion -> face loop; it only draws while someone
subscribes. Its inputs come in as every node's (``ros/checked_input.py``): a message stamped 0 or
far ahead, or a frame that does not convert when it is drawn, is refused with a throttled ERROR
per kind and a ``refused: <kind>`` counter on /diagnostics.
"""

from collections.abc import Callable
from typing import Any

from rclpy.node import Node
from rclpy.qos import QoSProfile
from sensor_msgs.msg import CompressedImage, Image

from emotion_ros.msg import EmotionStampedArray, FaceLandmarksArray
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.checked_input import CheckedInput
from emotion_ros.ros.image_messages import image_message
from emotion_ros.ros.input_subscription import InputSubscription
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import RELIABILITY_CHOICES, sensor_qos_from_parameter
from emotion_ros.stats import RateMeter
from emotion_ros.timestamps import stamp_to_ns
from emotion_ros.validation.invalid_input import InvalidInput
from emotion_ros.vision.image_conversion import message_to_bgr
from emotion_ros.visualization.overlay import FaceOverlay, draw_faces
from emotion_ros.visualization.stamp_buffer import StampBuffer

# per frame, each face's box and how old its mesh is (ms; 0: measured in that frame)
Boxes = dict[str, tuple[tuple[int, int, int, int], float]]

# name: Param; the values are in config/overlay_node.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "image_topic": Param("sensor_msgs/Image input (the face node's camera topic)."),
    "use_compressed": Param("Subscribe to <image_topic>/compressed (CompressedImage) instead."),
    "reliability": Param(
        "Image input QoS: best_effort, reliable, best_available or system_default.",
        choices=RELIABILITY_CHOICES,
    ),
    "frames_kept": Param(
        "Frames kept while waiting for their emotions (about 2 s at 15 fps).", low=1
    ),
}


class OverlayNode(Node):
    """Publishes each frame that has emotions with its faces drawn on it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("overlay_node", **kwargs)
        self.params = p = declare_parameters(self, "overlay_node", PARAMETERS)
        self._frames: StampBuffer[Any] = StampBuffer(p["frames_kept"])
        self._boxes: StampBuffer[Boxes] = StampBuffer(p["frames_kept"])
        self._checked = CheckedInput(self)
        self._publisher = self.create_publisher(Image, "emotion/debug_image", 2)
        image_type = CompressedImage if p["use_compressed"] else Image
        image_topic = f"{p['image_topic']}/compressed" if p["use_compressed"] else p["image_topic"]
        camera = sensor_qos_from_parameter(p["reliability"], 1)
        graph = QoSProfile(depth=10)  # the face and fusion nodes' topics: reliable
        self._inputs = [
            InputSubscription(self, msg_type, topic, callback, qos)
            for msg_type, topic, callback, qos in (
                (image_type, image_topic, self._on_image, camera),
                (FaceLandmarksArray, "faces/landmarks", self._on_landmarks, graph),
                (EmotionStampedArray, "emotion/array", self._on_emotions, graph),
            )
        ]
        self._rate = RateMeter()
        self._unmatched = 0
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "overlay", "display", self._status
        )

    def _on_image(self, msg: Any) -> None:
        """Keep the frame until its emotions come (converted only then, if drawn at all)."""
        if self._publisher.get_subscription_count() > 0:
            self._keep(self._frames, msg, _unchanged, "frame")

    def _on_landmarks(self, msg: FaceLandmarksArray) -> None:
        self._keep(self._boxes, msg, face_boxes, "landmarks")

    def _keep(
        self, buffer: StampBuffer[Any], msg: Any, validate: Callable[[Any], Any], what: str
    ) -> None:
        checked = self._checked.take(msg, validate, what)
        if checked is not None:
            buffer.add(*checked)

    def _on_emotions(self, msg: EmotionStampedArray) -> None:
        if self._publisher.get_subscription_count() == 0:
            return
        checked = self._checked.take(msg, _unchanged, "emotions")
        if checked is None:
            return
        stamp, _ = checked
        frame, boxes = self._frames.get(stamp), self._boxes.get(stamp)
        if frame is None or boxes is None:
            self._unmatched += 1  # the frame was dropped on the way, or came too late
            return
        try:
            image = message_to_bgr(frame)
        except InvalidInput as exc:
            self._checked.report.refused(exc, "frame not drawn")
            return
        unknown = ((0, 0, 0, 0), 0.0)
        faces = [
            FaceOverlay(
                e.face_id, boxes.get(e.face_id, unknown)[0], e.label, e.confidence,
                e.probabilities, e.class_names, e.valence, e.arousal,
                boxes.get(e.face_id, unknown)[1],
            )
            for e in msg.emotions
        ]  # fmt: skip
        drawn = draw_faces(image, faces)
        self._publisher.publish(image_message(drawn, msg.header.stamp, frame.header.frame_id))
        self._rate.tick()

    def _status(self) -> tuple[int, str, dict[str, str]]:
        return (
            diagnostics.OK,
            "drawing" if self._rate.rate() > 0 else "idle (no subscriber or no emotions)",
            {
                "rate (Hz)": f"{self._rate.rate():.1f}",
                "unmatched frames": str(self._unmatched),
                **self._checked.diagnostic_values(),
            },
        )


def face_boxes(msg: FaceLandmarksArray) -> Boxes:
    """Each face's box and how old its mesh is."""
    stamp = stamp_to_ns(msg.header.stamp)
    return {
        f.face_id: (
            (f.roi.x_offset, f.roi.y_offset, f.roi.width, f.roi.height),
            mesh_age_ms(stamp, stamp_to_ns(f.mesh_stamp)),
        )
        for f in msg.faces
    }


def _unchanged(msg: Any) -> Any:
    """The validator of messages the overlay reads only the stamp of (or converts later)."""
    return msg


def mesh_age_ms(frame_ns: int, mesh_ns: int) -> float:
    """How much older than its frame a face's mesh is (0: measured in it, or mesh_stamp unset)."""
    return 0.0 if mesh_ns == 0 else max(0.0, (frame_ns - mesh_ns) / 1e6)


def main(args: list[str] | None = None) -> int:
    """Run the overlay node until shutdown."""
    return run_node(OverlayNode, "overlay_node", args, parameters=PARAMETERS)
