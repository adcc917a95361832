"""Stamps as integer nanoseconds: exact, easy to compare and subtract.

The core works in int nanoseconds. ``stamp_to_ns`` reads any ``builtin_interfaces/Time``-like
object (rclpy's, or one that rosbags deserialised), so it needs no ROS import; building stamp
messages is the nodes' business (``emotion_ros.ros.time_conversions``).
"""

from typing import Protocol

NS_PER_S = 1_000_000_000


class StampLike(Protocol):
    """Anything with the fields of ``builtin_interfaces/Time``."""

    sec: int
    nanosec: int


def stamp_to_ns(stamp: StampLike) -> int:
    """Return a ``builtin_interfaces/Time`` (or look-alike) as nanoseconds."""
    return stamp.sec * NS_PER_S + stamp.nanosec
