"""Publishes a bag's messages into the live graph with the bag's timing (scaled by a rate).

Messages are published as serialized bytes, unchanged (or, when the bag was recorded with an
older definition of their type, rebuilt as the installed type: ``message_upgrade``), and latched
where they were recorded latched (``audio_info``). With ``clock`` a ``/clock`` message
(rosgraph_msgs/Clock) carries the bag time, for nodes running with ``use_sim_time``.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rclpy.duration import Duration
from rclpy.node import Node

from emotion_ros.bags.bag_reader import open_bag
from emotion_ros.bags.latched_topics import recorded_latched
from emotion_ros.bags.message_upgrade import definition_differs, upgrade
from emotion_ros.bags.replay_schedule import scheduled
from emotion_ros.bags.typestore import project_typestore, rclpy_type
from emotion_ros.ros.qos import latched_qos
from emotion_ros.ros.time_conversions import ns_to_stamp


@dataclass
class ReplayResult:
    """What was published, and the warnings (skipped topics and types)."""

    published: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    duration_s: float = 0.0


def replay(
    node: Node,
    path: Path,
    topics: list[str] | None = None,
    rate: float = 1.0,
    clock: bool = False,
    on_message: Callable[[str, int], None] | None = None,
    discovery_timeout_s: float = 5.0,
) -> ReplayResult:
    """Publish the bag's topics (all, or ``topics``) in order; return counts and warnings.

    Playing starts once every publisher is matched by a subscription, or after
    ``discovery_timeout_s`` (a topic nobody listens to): discovery between processes takes
    seconds, and the first seconds of the bag would be lost to it. At the end it waits, as long
    again at most, until reliable subscribers have acknowledged the last messages.
    ``on_message(topic, bag_ns)`` is called just before each message is published.
    """
    result = ReplayResult()
    reader = open_bag(path)
    try:
        wanted = set(topics) if topics else {c.topic for c in reader.connections}
        missing = wanted - {c.topic for c in reader.connections}
        result.warnings += [f"topic {t} is not in the bag" for t in sorted(missing)]
        publishers, connections, upgrades = {}, [], {}
        installed = project_typestore()
        for connection in reader.connections:
            if connection.topic not in wanted:
                continue
            try:
                msg_type = rclpy_type(connection.msgtype)
            except (ImportError, AttributeError, ValueError):
                result.warnings.append(
                    f"topic {connection.topic}: type {connection.msgtype} is not installed; skipped"
                )
                continue
            qos = latched_qos() if recorded_latched(connection) else 50
            publishers[connection.topic] = node.create_publisher(msg_type, connection.topic, qos)
            connections.append(connection)
            if definition_differs(reader.typestore, installed, connection.msgtype):
                upgrades[connection.topic] = msg_type
                result.warnings.append(
                    f"topic {connection.topic}: recorded with an older definition of "
                    f"{connection.msgtype}; its messages are copied into the installed type"
                )
        clock_pub = None
        if clock:
            from rosgraph_msgs.msg import Clock

            clock_pub = node.create_publisher(Clock, "/clock", 10)
        _wait_for_subscribers(list(publishers.values()), discovery_timeout_s)
        started = time.time_ns()
        # rosbags reads every topic for an empty list: nothing to play means nothing to read
        chosen = reader.messages(connections=connections) if connections else iter(())
        messages = ((t, (c, raw)) for c, t, raw in chosen)
        try:
            for due, bag_ns, (connection, raw) in scheduled(messages, rate, started):
                delay = (due - time.time_ns()) / 1e9
                if delay > 0:
                    time.sleep(delay)
                if clock_pub is not None:
                    clock_pub.publish(Clock(clock=ns_to_stamp(bag_ns)))
                if on_message is not None:
                    on_message(connection.topic, bag_ns)
                if connection.topic in upgrades:
                    old = reader.deserialize(raw, connection.msgtype)
                    publishers[connection.topic].publish(upgrade(old, upgrades[connection.topic]))
                else:
                    publishers[connection.topic].publish(raw)
                result.published[connection.topic] = result.published.get(connection.topic, 0) + 1
        except Exception as exc:  # a truncated file fails part-way through
            result.warnings.append(f"bag ended early: {exc}")
        result.duration_s = (time.time_ns() - started) / 1e9
        _wait_for_delivery(list(publishers.values()), discovery_timeout_s)
    finally:
        reader.close()
    return result


def _wait_for_delivery(publishers: list, timeout_s: float) -> None:
    """Wait until reliable subscribers have acknowledged the last messages: a replay that
    exits at once takes its unacknowledged messages with it (the end of a fast replay was lost).
    """
    deadline = time.monotonic() + timeout_s
    for publisher in publishers:
        left = max(0.0, deadline - time.monotonic())
        publisher.wait_for_all_acked(Duration(nanoseconds=int(left * 1e9)))


def _wait_for_subscribers(publishers: list, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and any(p.get_subscription_count() == 0 for p in publishers):
        time.sleep(0.05)
