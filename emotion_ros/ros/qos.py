"""QoS profiles chosen by a node parameter, so users can match their camera or microphone driver."""

from rclpy.node import Node
from rclpy.qos import (
    DurabilityPolicy,
    HistoryPolicy,
    QoSProfile,
    ReliabilityPolicy,
    qos_profile_sensor_data,
)

RELIABILITY_CHOICES = ("best_available", "best_effort", "reliable", "system_default")


def sensor_qos_from_parameter(reliability: str, depth: int) -> QoSProfile:
    """Return the subscription QoS for sensor input (keep-last ``depth``, volatile).

    ``best_available`` (the camera and audio default) is reliable with reliable publishers and best
    effort with best-effort ones: a camera driver that publishes reliably (usb_cam, camera_source)
    loses no frame in transport, where a best-effort subscription lost a third of 640x480 frames
    and almost all 1280x720 ones (README, "Camera drivers and QoS"). The depth stays small and the
    node's own bounded queue drops stale frames, so a reliable input never backs up the camera.
    Create it with ``input_subscription.InputSubscription``, which follows a best-effort publisher
    that appears after the subscription. ``best_effort`` is ROS's SensorDataQoS; ``reliable`` only
    matches reliable publishers.

    Raises:
        ValueError: for a reliability that is not one of RELIABILITY_CHOICES, or depth < 1.
    """
    if depth < 1:
        raise ValueError(f"QoS depth must be at least 1, got {depth}")
    if reliability == "best_available":
        return QoSProfile(
            history=HistoryPolicy.KEEP_LAST,
            depth=depth,
            reliability=ReliabilityPolicy.BEST_AVAILABLE,
            durability=DurabilityPolicy.VOLATILE,
        )
    if reliability == "best_effort":
        profile = QoSProfile(
            history=qos_profile_sensor_data.history,
            depth=depth,
            reliability=qos_profile_sensor_data.reliability,
            durability=qos_profile_sensor_data.durability,
        )
        return profile
    if reliability == "reliable":
        return QoSProfile(
            history=HistoryPolicy.KEEP_LAST, depth=depth, reliability=ReliabilityPolicy.RELIABLE
        )
    if reliability == "system_default":
        return QoSProfile(
            history=HistoryPolicy.KEEP_LAST,
            depth=depth,
            reliability=ReliabilityPolicy.SYSTEM_DEFAULT,
        )
    raise ValueError(
        f"unknown QoS reliability {reliability!r}; expected one of {', '.join(RELIABILITY_CHOICES)}"
    )


def latched_qos(depth: int = 1) -> QoSProfile:
    """Transient local and reliable: a late subscriber still gets the last message (audio_info)."""
    return QoSProfile(
        depth=depth,
        reliability=ReliabilityPolicy.RELIABLE,
        durability=DurabilityPolicy.TRANSIENT_LOCAL,
    )


def offers_latched(node: Node, topic: str) -> bool:
    """True when every publisher of ``topic`` seen so far offers transient local."""
    name = topic if topic.startswith("/") else f"/{topic}"
    offered = node.get_publishers_info_by_topic(name)
    return bool(offered) and all(
        info.qos_profile.durability == DurabilityPolicy.TRANSIENT_LOCAL for info in offered
    )
