"""Conversions between ROS stamps and integer nanoseconds.

The core modules work in int nanoseconds (exact, easy to compare and subtract); only the nodes see
``builtin_interfaces`` messages.
"""

from builtin_interfaces.msg import Duration, Time

NS_PER_S = 1_000_000_000


def stamp_to_ns(stamp: Time) -> int:
    """Return a ``builtin_interfaces/Time`` as nanoseconds."""
    return stamp.sec * NS_PER_S + stamp.nanosec


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
