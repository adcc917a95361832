"""`kill PID` of a backgrounded `emotion-ros run` (and a closed terminal) ends the whole graph."""

import contextlib
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from emotion_ros.graph.node_process import child_environment

from user_commands import cut_graph_run

pytestmark = pytest.mark.process


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc: no psutil in the venv)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it exited while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_the_runner_stops_every_node_it_started(signum):
    # The nodes write to the runner's stdout (no --log-dir), so an orphaned node would keep the
    # pipe open: lines are read up to the "up" line only, the rest after the nodes are gone.
    runner = subprocess.Popen(
        cut_graph_run(("audio_file_source", "audio_node"), "default_input", "--quiet"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_environment(),
    )
    watchdog = threading.Timer(180, runner.kill)  # only keeps a hang from blocking the suite
    watchdog.start()
    lines, nodes = [], []
    try:
        for line in runner.stdout:
            lines.append(line.rstrip())
            if "every node is up" in line:
                break
        nodes = children_of(runner.pid)
        assert len(nodes) == 2, "\n".join(lines)
        runner.send_signal(signum)
        runner.wait(60)
        left = [pid for pid in nodes if alive(pid)]
    finally:
        watchdog.cancel()
        runner.kill()
        for pid in nodes:  # what this test started, if the runner left it behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    lines += runner.stdout.read().splitlines()
    assert left == [], "nodes left running after the runner"
    assert runner.returncode == 0, "\n".join(lines)
    assert "stopped graph 'default_input'" in lines[-1], "\n".join(lines)
