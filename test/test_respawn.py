"""A node that dies while the graph runs is started again (emotion-ros run; the launch files pass
the same delay to launch's respawn)."""

import contextlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from emotion_ros.graph.respawn import MAX_DELAY_S, RESPAWN_DELAY_S, STABLE_AFTER_S, Respawn
from emotion_ros.timestamps import stamp_to_ns

from user_commands import start_as_user


def test_a_node_is_restarted_soon_and_backed_off_only_while_it_keeps_dying_at_once():
    respawn = Respawn()
    assert respawn.exited(now_s=100.0, ran_s=3600.0) == RESPAWN_DELAY_S
    assert not respawn.due(100.0 + RESPAWN_DELAY_S / 2) and respawn.due(100.0 + RESPAWN_DELAY_S)
    respawn.restarted()
    delays = []
    for k in range(12):  # dies one second after each start: a crash loop
        delays.append(respawn.exited(now_s=200.0 + k, ran_s=1.0))
        respawn.restarted()
    assert delays[:3] == [2 * RESPAWN_DELAY_S, 4 * RESPAWN_DELAY_S, 8 * RESPAWN_DELAY_S]
    assert delays[-1] == MAX_DELAY_S and delays == sorted(delays)
    assert respawn.exited(now_s=900.0, ran_s=STABLE_AFTER_S) == RESPAWN_DELAY_S, "stayed up"
    assert respawn.restarts == 13


def children(parent: int) -> list[int]:
    """The pids of ``parent``'s child processes."""
    return [
        int(pid)
        for task in Path(f"/proc/{parent}/task").iterdir()
        for pid in (task / "children").read_text().split()
    ]


def child_pid(parent: int, executable: str) -> int:
    """The pid of ``parent``'s child process running the entry point ``executable``."""
    for pid in children(parent):
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if any(Path(part.decode()).name == executable for part in command[:2]):
            return pid
    raise LookupError(f"{executable} is not a child of {parent}")


def stamped_after(messages: list, since_ns: int) -> list:
    """The messages computed from frames captured after ``since_ns``."""
    return [m for m in messages if stamp_to_ns(m.header.stamp) > since_ns]


@pytest.mark.process
@pytest.mark.whole_graph
def test_run_restarts_a_killed_fusion_node_and_face_node_and_emotions_flow_again(
    ros_listener, tmp_path
):
    from emotion_ros.msg import EmotionStamped

    emotions = ros_listener.subscribe(EmotionStamped, "emotion", 500)
    output = tmp_path / "run.out"
    run = start_as_user(output, "emotion-ros", "run", "default_input", "--quiet",
                        "--log-dir", str(tmp_path))  # fmt: skip
    try:
        deadline = time.monotonic() + 180  # until then a node that exits stops the start
        while "every node is up" not in output.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert emotions.wait_for(10, timeout_s=60), output.read_text()
        for node in ("fusion_node", "face_node"):
            killed_ns = time.time_ns()
            os.kill(child_pid(run.pid, node), signal.SIGKILL)

            # generous: the goal is under 2 s, but this machine is shared; the time is printed
            flowing = emotions.wait_until(lambda m, t=killed_ns: bool(stamped_after(m, t)), 30)
            assert flowing, output.read_text()
            first = emotions.messages.index(stamped_after(emotions.messages, killed_ns)[0])
            seconds = (emotions.receive_ns[first] - killed_ns) / 1e9
            print(f"{node} killed (SIGKILL): EmotionStamped flows again after {seconds:.2f} s")
    finally:
        run.send_signal(signal.SIGINT)
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # a run that did not stop must not leave its graph publishing into the next tests
            # (once on CI its nodes' emotions reached five other tests)
            for pid in [*children(run.pid), run.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            raise
    text = output.read_text()
    for node in ("fusion_node", "face_node"):
        assert (
            f"emotion-ros run: {node} exited with code -9; restarting it in {RESPAWN_DELAY_S:g} s "
            "(restart 1)" in text
        )
        assert f"emotion-ros run: {node} restarted (restart 1, pid" in text
    assert "restarts: face_node 1, fusion_node 1" in text
    # each killed node left its 8 MB Fast DDS segment in /dev/shm; the runner removes them
    # (at least once: a concurrent test's runner may remove one first)
    assert re.search(r"emotion-ros run: removed [\d.]+ MB of shared memory left in /dev/shm", text)
    assert run.returncode == 0, text
