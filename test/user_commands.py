"""Run a command the way a user types it: the .venv's entry point in a child process."""

import subprocess
from dataclasses import dataclass

from emotion_ros.graph.node_process import child_environment, find_executable


@dataclass(frozen=True)
class Finished:
    """Exit code and output lines (stdout and stderr together, as a terminal shows them)."""

    code: int
    lines: list[str]

    def head(self, count: int) -> str:
        """The first ``count`` lines, joined: what a user reads first."""
        return "\n".join(self.lines[:count])


def run_as_user(*command: str, timeout_s: float = 300) -> Finished:
    """Run ``command`` (entry point name, then arguments) and wait for it.

    ``timeout_s`` only keeps a hanging command from blocking the suite; it is not asserted on.
    """
    done = subprocess.run(
        [find_executable(command[0]), *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_environment(),
        timeout=timeout_s,
        check=False,
    )
    return Finished(done.returncode, done.stdout.splitlines())
