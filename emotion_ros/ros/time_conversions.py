"""Nanoseconds -> ``builtin_interfaces`` stamp and duration messages, for publishing.

Reading a stamp is ``emotion_ros.timestamps.stamp_to_ns`` (ROS-free); only the nodes build stamps.
"""

from builtin_interfaces.msg import Duration, Time

from emotion_ros.timestamps import NS_PER_S


def ns_to_stamp(ns: int) -> Time:
    """Return nanoseconds as a ``builtin_interfaces/Time`` (ns must not be negative)."""
    if ns < 0:
        raise ValueError(f"a stamp cannot be negative: {ns} ns")
    sec, nanosec = divmod(int(ns), NS_PER_S)
    return Time(sec=sec, nanosec=nanosec)


def duration_from_ns(ns: int) -> Duration:
    """Return nanoseconds as a ``builtin_interfaces/Duration`` (negative values are allowed)."""
    sec, nanosec = divmod(int(ns), NS_PER_S)
    return Duration(sec=sec, nanosec=nanosec)
