"""Collects messages from live topics in a background thread (tests, the demo printer, evaluation).

It owns its own rclpy context, so it can live beside other nodes in the same process and be
closed without shutting down rclpy for anyone else.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

from emotion_ros.ros.dds_profile import use_large_frame_profile


class MessageCollector:
    """The messages received on one topic, in arrival order, with their receive times (ns)."""

    def __init__(self, on_message: Callable[[Any], None] | None = None) -> None:
        self.messages: list[Any] = []
        self.receive_ns: list[int] = []
        self._on_message = on_message
        self._condition = threading.Condition()

    def _callback(self, msg: Any) -> None:
        with self._condition:
            self.messages.append(msg)
            self.receive_ns.append(time.time_ns())
            self._condition.notify_all()
        if self._on_message is not None:
            self._on_message(msg)

    def wait_for(self, count: int, timeout_s: float) -> bool:
        """Block until at least ``count`` messages arrived; return False on timeout."""
        return self.wait_until(lambda messages: len(messages) >= count, timeout_s)

    def wait_until(self, condition: Callable[[list[Any]], bool], timeout_s: float) -> bool:
        """Block until ``condition(messages)`` holds; return False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: condition(self.messages), timeout_s)


class TopicCollector:
    """A node in its own context and thread that subscribes and publishes on request."""

    def __init__(self, node_name: str = "emotion_ros_collector") -> None:
        use_large_frame_profile()  # replay, record and tests publish or receive camera frames
        self.context = rclpy.Context()
        rclpy.init(context=self.context)
        self.node = rclpy.create_node(node_name, context=self.context)
        self._executor = SingleThreadedExecutor(context=self.context)
        self._executor.add_node(self.node)
        self._state_clients: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()

    def _spin(self) -> None:
        while self.context.ok():
            try:
                self._executor.spin_once(timeout_sec=0.05)
            except Exception:  # the context was shut down between ok() and spin_once()
                if self.context.ok():
                    raise
                return

    def subscribe(
        self,
        msg_type: type,
        topic: str,
        qos: QoSProfile | int = 10,
        on_message: Callable[[Any], None] | None = None,
    ) -> MessageCollector:
        """Subscribe to ``topic`` and return the collector that fills up as messages arrive."""
        collector = MessageCollector(on_message)
        self.node.create_subscription(msg_type, topic, collector._callback, qos)
        return collector

    def subscribe_log(self) -> MessageCollector:
        """Collect ``/rosout``: what every node logs (rcl_interfaces/Log).

        rosout is transient local (depth 1000, 10 s lifespan), so lines a node logged before
        this subscription matched arrive too.
        """
        from rcl_interfaces.msg import Log

        qos = QoSProfile(
            depth=1000,
            reliability=ReliabilityPolicy.RELIABLE,
            durability=DurabilityPolicy.TRANSIENT_LOCAL,
        )
        return self.subscribe(Log, "/rosout", qos)

    def publisher(self, msg_type: type, topic: str, qos: QoSProfile | int = 10) -> Any:
        """Return a publisher on ``topic``."""
        return self.node.create_publisher(msg_type, topic, qos)

    def wait_for_subscribers(self, publisher: Any, count: int = 1, timeout_s: float = 10.0) -> bool:
        """Block until ``publisher`` is matched by ``count`` subscriptions (discovery is async)."""
        deadline = time.monotonic() + timeout_s
        while publisher.get_subscription_count() < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def wait_for_publishers(self, topics: set[str], timeout_s: float = 10.0) -> bool:
        """Block until this node has discovered a publisher on each of ``topics``."""
        deadline = time.monotonic() + timeout_s
        while any(self.node.count_publishers(topic) == 0 for topic in topics):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def call(self, client: Any, request: Any, timeout_s: float = 20.0, attempts: int = 3) -> Any:
        """The response of ``client`` (made on this collector's node) to ``request``.

        Waits for the service, then asks again when no answer comes: a service is "ready" once
        its request reader matched, and a response sent before the reply path matched too is
        lost (seen under load: a lifecycle node's first get_state never answered).

        Raises:
            TimeoutError: no service, or no answer to any of the ``attempts``.
        """
        if not client.wait_for_service(timeout_sec=timeout_s):
            raise TimeoutError(f"no service {client.srv_name}")
        for _ in range(attempts):
            future = client.call_async(request)
            deadline = time.monotonic() + timeout_s / attempts
            while not future.done() and time.monotonic() < deadline:
                time.sleep(0.02)
            if future.done():
                return future.result()
            future.cancel()
        raise TimeoutError(f"{client.srv_name} did not answer {attempts} requests")

    def lifecycle_state(self, node_name: str, timeout_s: float = 2.0) -> str:
        """The label of a lifecycle node's state ("active", ...), or "no lifecycle service yet"."""
        from lifecycle_msgs.srv import GetState

        client = self._state_clients.get(node_name)
        if client is None:
            client = self.node.create_client(GetState, f"/{node_name}/get_state")
            self._state_clients[node_name] = client
        if not client.service_is_ready():
            return "no lifecycle service yet"
        future = client.call_async(GetState.Request())
        deadline = time.monotonic() + timeout_s
        while not future.done() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not future.done():
            future.cancel()
            return "no answer from get_state"
        return future.result().current_state.label

    def close(self) -> None:
        """Stop spinning and shut down this collector's context."""
        if self.context.ok():
            self.context.try_shutdown()
        self._thread.join(timeout=2.0)
        self.node.destroy_node()

    def __enter__(self) -> "TopicCollector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
