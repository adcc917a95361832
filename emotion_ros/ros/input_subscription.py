"""A sensor-input subscription whose ``best_available`` reliability follows the publishers.

rmw resolves BEST_AVAILABLE once, when the subscription is created, against the publishers it has
discovered so far, and with none it takes *reliable*. A face node started before its camera (as
``emotion-ros run`` and most launch files do) would then be incompatible with a best-effort
camera driver and receive nothing at all (measured: 0 messages, and a warning in the camera's
log). So on a "requested incompatible QoS" event for reliability the subscription is made again,
and now resolves against the best-effort publisher that is there.

Every node subscribes to what other processes send through this (images, audio, landmarks, audio
windows, transcripts), so ``reliability: best_available`` means the same in each of them.
"""

from collections.abc import Callable
from typing import Any

from rclpy.event_handler import QoSRequestedIncompatibleQoSInfo, SubscriptionEventCallbacks
from rclpy.node import Node
from rclpy.qos import QoSPolicyKind, QoSProfile, ReliabilityPolicy


class InputSubscription:
    """Owns one subscription and re-creates it when a best-effort publisher cannot match it."""

    def __init__(
        self,
        node: Node,
        msg_type: type,
        topic: str,
        callback: Callable[[Any], None],
        qos: QoSProfile,
    ) -> None:
        self._node = node
        self._args = (msg_type, topic, callback, qos)
        self._follows_publishers = qos.reliability == ReliabilityPolicy.BEST_AVAILABLE
        self._pending: Any = None  # the timer that re-creates the subscription
        self._subscription = self._create()

    def _create(self) -> Any:
        events = (
            SubscriptionEventCallbacks(incompatible_qos=self._on_incompatible)
            if self._follows_publishers
            else None
        )
        return self._node.create_subscription(*self._args, event_callbacks=events)

    def _on_incompatible(self, event: QoSRequestedIncompatibleQoSInfo) -> None:
        if event.last_policy_kind != QoSPolicyKind.RELIABILITY or self._pending is not None:
            return
        # not from inside the subscription's own event callback, which the executor still holds
        self._pending = self._node.create_timer(0.01, self._recreate)

    def _recreate(self) -> None:
        self._node.destroy_timer(self._pending)
        self._pending = None
        self._node.destroy_subscription(self._subscription)
        self._subscription = self._create()
        self._node.get_logger().info(
            f"a best-effort publisher appeared on {self._subscription.topic_name}: subscribed "
            "again, now best effort (a reliable publisher loses fewer messages)"
        )

    def destroy(self) -> None:
        """Unsubscribe (lifecycle deactivate)."""
        if self._pending is not None:
            self._node.destroy_timer(self._pending)
            self._pending = None
        self._node.destroy_subscription(self._subscription)
