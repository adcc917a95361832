"""When to publish each message of a bag: the bag's relative timing scaled by a rate factor.

Plain Python (no ROS, no bag), so the timing rule is tested on its own: message i goes out at
``start + (t_i - t_0) / rate``; a late sender never tries to catch up by bunching messages, it
just publishes the overdue ones in order.
"""

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def scheduled(
    messages: Iterable[tuple[int, T]], rate: float, start_ns: int
) -> Iterator[tuple[int, int, T]]:
    """Yield (due wall time ns, bag time ns, item) for (bag time ns, item) pairs in bag order."""
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")
    first = None
    for bag_ns, item in messages:
        first = bag_ns if first is None else first
        yield start_ns + int((bag_ns - first) / rate), bag_ns, item
