"""Example controller: how a robot reacts to the emotions, the pattern to copy for your own.

It subscribes to ``emotion`` (EmotionStamped, one per face per frame) with the QoS the fusion node
publishes with (reliable, depth 50: a best-effort subscription would match too, but would drop
messages under load, and a lost message restarts a debounce count). Each estimate goes to
``FaceReactions`` (emotion_ros/reactions/, plain Python): per-face state, confidence thresholds
that are stricter when ``audio_missing``, debouncing, and faces that leave. What the robot should
do is published on ``behaviour`` (std_msgs/String, e.g. "greet f00001 happily"); a real controller
replaces that publisher with its robot's action. A malformed estimate is refused with a throttled
error and counted on ``/diagnostics``; the node keeps running.

``ros2 run emotion_ros emotion_reactor`` beside the graph, then ``ros2 topic echo /behaviour``.
"""

from typing import Any

from rclpy.node import Node
from std_msgs.msg import String

from emotion_ros.msg import EmotionStamped
from emotion_ros.node_config import settings_from
from emotion_ros.parameter_spec import Param
from emotion_ros.reactions.behaviours import behaviour_text
from emotion_ros.reactions.face_reactions import (
    FaceReactions,
    Reaction,
    ReactorSettings,
    invalid_reason,
)
from emotion_ros.ros import diagnostics
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import RELIABILITY_CHOICES, sensor_qos_from_parameter
from emotion_ros.timestamps import stamp_to_ns

# name: Param; the values are in config/emotion_reactor.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "emotion_topic": Param("EmotionStamped input (one message per face per frame)."),
    "behaviour_topic": Param("std_msgs/String output: what the robot should do."),
    "reliability": Param(
        "Input QoS: reliable (as fusion_node publishes), best_effort, best_available, "
        "system_default.",
        choices=RELIABILITY_CHOICES,
    ),
    "qos_depth": Param("Input QoS depth.", low=1),
    "min_confidence": Param(
        "Estimates with a lower confidence are ignored.", low=0.0, high=1.0, dynamic=True
    ),
    "min_confidence_without_audio": Param(
        "The same for estimates with audio_missing (face only).", low=0.0, high=1.0, dynamic=True
    ),
    "hold_messages": Param(
        "Confident messages in a row a new label needs before the robot reacts.",
        low=1,
        dynamic=True,
    ),
    "hold_s": Param(
        "Frame time those messages must span (0 = count messages only).", low=0.0, dynamic=True
    ),
    "face_timeout_s": Param("Seconds without a message after which a face has left.", above=0.0),
}


class EmotionReactor(Node):
    """Turns per-face emotion estimates into a few debounced behaviours."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("emotion_reactor", **kwargs)
        self.params = p = declare_parameters(self, "emotion_reactor", PARAMETERS, self._on_change)
        self._faces = FaceReactions(settings_from(ReactorSettings, p))
        qos = sensor_qos_from_parameter(p["reliability"], p["qos_depth"])
        self._publisher = self.create_publisher(String, p["behaviour_topic"], 10)
        self.create_subscription(EmotionStamped, p["emotion_topic"], self._on_emotion, qos)
        self.create_timer(p["face_timeout_s"] / 4, self._forget_faces_that_left)
        self._behaviours = 0
        self._refused = 0
        self._refused_at_last_status = 0
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "reactions", p["emotion_topic"], self._status
        )

    def _on_change(self, name: str, value: Any) -> None:
        """New thresholds apply from the next message on; the faces' counts stay."""
        self._faces.settings = settings_from(ReactorSettings, self.params)

    def _now_ns(self) -> int:
        return self.get_clock().now().nanoseconds

    def _on_emotion(self, msg: EmotionStamped) -> None:
        reason = invalid_reason(msg.face_id, msg.label, msg.class_names, msg.confidence)
        if reason is not None:
            self._refused += 1
            self.get_logger().error(
                f"refused an EmotionStamped with {reason}", throttle_duration_sec=5.0
            )
            return
        reaction = self._faces.update(
            msg.face_id,
            msg.label,
            msg.confidence,
            msg.audio_missing,
            stamp_to_ns(msg.header.stamp),
            self._now_ns(),
        )
        if reaction is not None:
            self._act(reaction)

    def _forget_faces_that_left(self) -> None:
        for reaction in self._faces.expire(self._now_ns()):
            self._act(reaction)

    def _act(self, reaction: Reaction) -> None:
        """Where a real controller moves the robot; here the behaviour is published as text."""
        text = behaviour_text(reaction)
        self._publisher.publish(String(data=text))
        self._behaviours += 1
        self.get_logger().info(text)

    def _status(self) -> tuple[int, str, dict[str, str]]:
        refusing = self._refused > self._refused_at_last_status
        self._refused_at_last_status = self._refused
        values = {
            "faces": str(len(self._faces.faces)),
            "behaviours published": str(self._behaviours),
            "ignored (low confidence)": str(self._faces.ignored_low_confidence),
            "refused (malformed)": str(self._refused),
        }
        if refusing:
            return diagnostics.WARN, "refusing malformed EmotionStamped messages", values
        return diagnostics.OK, f"following {len(self._faces.faces)} faces", values


def main(args: list[str] | None = None) -> int:
    """Run the reactor until shutdown; exit code 1 for impossible thresholds or QoS."""
    return run_node(
        EmotionReactor,
        "emotion_reactor",
        args,
        parameters=PARAMETERS,
        startup_errors=(ValueError,),
    )
