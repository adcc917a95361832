"""The fusion node's ROS4HRI output (``publish_hri: true``): hri_msgs Expression per face.

Each frame: ``/humans/faces/tracked`` (IdsList) lists the faces the fusion node is following, a
face's ``/humans/faces/<id>/expression`` publisher is created when it appears and destroyed when
the fusion node forgets it (``history_max_missed_frames`` after it was last seen), and every face
of the frame gets an Expression stamped with the frame's stamp (the ros4hri recogniser leaves
the stamp empty; a consumer here can line it up with the camera frame).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from rclpy.node import Node

from emotion_ros.fusion.ros4hri import EXPRESSIONS, TRACKED_TOPIC, expression_topic


class HriOutput:
    """Publishers of one node's ROS4HRI topics."""

    def __init__(self, node: Node, expression_type: type, ids_type: type) -> None:
        self._node = node
        self._expression = expression_type
        self._ids = ids_type
        self._tracked = node.create_publisher(ids_type, TRACKED_TOPIC, 10)
        self._faces: dict[str, Any] = {}

    @classmethod
    def create(cls, node: Node) -> "HriOutput | None":
        """The output, or None (with one warning) where hri_msgs is not installed."""
        try:
            from hri_msgs.msg import Expression, IdsList
        except ImportError:
            node.get_logger().warning(
                "publish_hri is true but hri_msgs is not installed; skipping the ROS4HRI output"
            )
            return None
        return cls(node, Expression, IdsList)

    def publish(self, header: Any, emotions: Sequence[Any], tracked: Iterable[str]) -> None:
        """Publish the frame's EmotionStamped messages as Expressions and the tracked faces."""
        tracked = sorted(tracked)
        for face_id in set(self._faces) - set(tracked):
            self._node.destroy_publisher(self._faces.pop(face_id))
        for face_id in tracked:
            if face_id not in self._faces:
                self._faces[face_id] = self._node.create_publisher(
                    self._expression, expression_topic(face_id), 10
                )
        for emotion in emotions:
            self._faces[emotion.face_id].publish(
                self._expression(
                    header=emotion.header,
                    expression=getattr(self._expression, EXPRESSIONS[emotion.label]),
                    valence=emotion.valence,
                    arousal=emotion.arousal,
                    confidence=emotion.confidence,
                )
            )
        self._tracked.publish(self._ids(header=header, ids=tracked))

    def destroy(self) -> None:
        """Destroy every publisher (the node is cleaned up)."""
        for publisher in [self._tracked, *self._faces.values()]:
            self._node.destroy_publisher(publisher)
        self._faces.clear()
