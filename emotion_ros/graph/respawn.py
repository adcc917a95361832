"""When a node that died is started again: the respawn policy of ``emotion-ros run`` and of the
launch files (no ROS).

A robot's graph must outlive a crashed node (a driver bug, the kernel's OOM killer, a SIGKILL), so
every node that exits while the graph runs is started again after ``RESPAWN_DELAY_S``; lifecycle
nodes configure and activate themselves again (their ``autostart``). The launch files pass the same
delay to launch's ``respawn_delay``. ``emotion-ros run`` also backs off a node that keeps dying
right after its start (a wrong parameter, a missing device): the delay doubles up to
``MAX_DELAY_S`` while each run lasts less than ``STABLE_AFTER_S``, so a crash loop does not flood
the log, and it is short again once the node stayed up.

The first delay is short because the robot is blind until the node is back: 0.1 s, against the
0.5-1.5 s a node takes to start (bench/bench_startup.py). ``emotion-ros run`` polls its nodes
every 0.1 s, so a shorter delay would gain nothing there; under ``ros2 launch``, which does not
back off, it still keeps a node that crashes at once from being restarted in a busy loop.
"""

from dataclasses import dataclass

RESPAWN_DELAY_S = 0.1
MAX_DELAY_S = 30.0
STABLE_AFTER_S = 10.0


@dataclass
class Respawn:
    """The restart bookkeeping of one node."""

    restarts: int = 0
    delay_s: float = RESPAWN_DELAY_S
    due_s: float | None = None  # monotonic time of the pending restart

    def exited(self, now_s: float, ran_s: float) -> float:
        """The node exited after running ``ran_s``; schedule its restart and return the delay."""
        if self.restarts == 0 or ran_s >= STABLE_AFTER_S:
            self.delay_s = RESPAWN_DELAY_S
        else:  # it died again soon after its restart
            self.delay_s = min(self.delay_s * 2, MAX_DELAY_S)
        self.due_s = now_s + self.delay_s
        return self.delay_s

    def due(self, now_s: float) -> bool:
        """True when a restart is pending and its time has come."""
        return self.due_s is not None and now_s >= self.due_s

    def restarted(self) -> None:
        """Count the restart that was just made."""
        self.restarts += 1
        self.due_s = None
