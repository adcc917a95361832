"""Run a command the way a user types it: the .venv's entry point in a child process."""

import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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


def start_as_user(out: Path, *command: str) -> subprocess.Popen:
    """Start ``command`` (entry point name, then arguments) that runs until stopped, such as
    ``emotion-ros run``: its output goes to ``out``, and it leads its own session (a signal to
    the test's process group does not reach it; the test stops it). Ctrl-C works in it even when
    the tests run in the background, where the shell makes every child ignore SIGINT."""
    with out.open("w") as handle:
        return subprocess.Popen(
            [find_executable(command[0]), *command[1:]],
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=child_environment(),
            start_new_session=True,
            preexec_fn=_interruptible,
        )


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# `emotion-ros run` with only some nodes of its graph: the real CLI (main, run_command, the graph
# runner, a process per node) in a child process, where only load_graph drops the other nodes.
_CUT_GRAPH_RUN = """
import dataclasses, sys
from emotion_ros.cli import main, run_command

full = run_command.load_graph
def cut(name):
    graph = full(name)
    return dataclasses.replace(graph, nodes=tuple(n for n in graph.nodes if n.name in {nodes!r}))

run_command.load_graph = cut
sys.exit(main.main({arguments!r}))
"""


def cut_graph_run(nodes: tuple[str, ...], *arguments: str) -> list[str]:
    """The command line of ``emotion-ros run ARGUMENTS`` with only ``nodes`` of the graph, so a
    test that needs two light nodes does not wait for MediaPipe and torch in four others."""
    return [
        sys.executable,
        "-c",
        _CUT_GRAPH_RUN.format(nodes=set(nodes), arguments=["run", *arguments]),
    ]
