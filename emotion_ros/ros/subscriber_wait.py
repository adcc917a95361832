"""Sources that wait for their listeners: a file or camera played before anyone listens is lost.

A source started beside the nodes it feeds (``emotion-ros run``, a launch file) would publish its
first frames or sentences before DDS has matched them, and a file source would never send them
again. So a source holds back until ``wait_for_subscribers`` listeners matched, saying so.
"""

from typing import Any


def still_waiting(node: Any, wanted: int, matched: int) -> bool:
    """True, with an info line at most every 5 s, while fewer than ``wanted`` listeners matched."""
    if matched >= wanted:
        return False
    node.get_logger().info(
        f"waiting for {wanted} subscribers, {matched} matched", throttle_duration_sec=5.0
    )
    return True
