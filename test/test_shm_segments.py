"""The shared memory a killed Fast DDS process leaves in /dev/shm is removed, a living one's never.

First the lock protocol on files made here (held, dead and old, dead but just made), then a
real rclpy process with the project's DDS profile: its 8 MB segment stays while it runs and goes
once it is SIGKILLed.
"""

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emotion_ros.graph.node_process import child_environment
from emotion_ros.graph.shm_segments import MIN_AGE_S, SHM_DIR, remove_dead_segments


def segment(folder: Path, name: str, size: int, age_s: float) -> tuple[Path, Path]:
    """A segment file of ``size`` bytes and its lock file, both ``age_s`` old."""
    data, lock = folder / f"fastdds_{name}", folder / f"fastdds_{name}_el"
    data.write_bytes(b"\0" * size)
    lock.write_bytes(b"")
    then = time.time() - age_s
    for path in (data, lock):
        os.utime(path, (then, then))
    return data, lock


def test_only_old_segments_whose_lock_nobody_holds_are_removed(tmp_path):
    live = segment(tmp_path, "a" * 16, 100, age_s=60)
    dead = segment(tmp_path, "b" * 16, 300, age_s=60)
    newborn = segment(tmp_path, "c" * 16, 500, age_s=0)  # made, not locked yet
    port = tmp_path / "fastdds_port7411"  # ports are shared and checked by Fast DDS itself
    port.write_bytes(b"port")
    with live[1].open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_SH | fcntl.LOCK_NB)  # as the living owner does
        assert remove_dead_segments(tmp_path) == 300
    assert all(p.exists() for p in (*live, *newborn, port))
    assert not any(p.exists() for p in dead)
    assert remove_dead_segments(tmp_path) == 100, "the owner has gone: now it is dead"
    assert remove_dead_segments(tmp_path / "absent") == 0


def flocked_inodes(pid: int) -> set[int]:
    """The inodes of the files ``pid`` holds an flock on (/proc/locks: "1: FLOCK ADVISORY WRITE
    <pid> <major>:<minor>:<inode> 0 EOF")."""
    inodes = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[4] == str(pid):
            inodes.add(int(fields[5].rsplit(":", 1)[1]))
    return inodes


@pytest.mark.process
@pytest.mark.skipif(not Path("/proc/locks").is_file(), reason="needs Linux's /dev/shm and /proc")
def test_a_killed_nodes_segment_goes_and_a_living_ones_stays():
    code = (
        "from emotion_ros.ros.dds_profile import use_large_frame_profile; "
        "use_large_frame_profile(); "  # as every emotion_ros process does
        "import rclpy, time; rclpy.init(); node = rclpy.create_node('shm_probe'); "
        "print('up', flush=True); time.sleep(120)"
    )
    # discovery off: a participant that discovered the probe would map its segment too
    env = {**child_environment(), "ROS_AUTOMATIC_DISCOVERY_RANGE": "OFF"}
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env=env)  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "up"
        held = flocked_inodes(child.pid)  # the probe's files, not those of concurrent tests
        locks = [SHM_DIR / n for n in os.listdir(SHM_DIR) if n.endswith("_el")]
        ours = [p for p in locks if p.stat().st_ino in held]
        segments = [p.parent / p.name.removesuffix("_el") for p in ours]
        assert any(s.stat().st_size >= 8e6 for s in segments), "the profile's 8 MB segment"
        then = time.time() - 2 * MIN_AGE_S  # old enough to be judged (others' files are not)
        for lock in ours:
            os.utime(lock, (then, then))
        remove_dead_segments()
        assert all(p.exists() for p in ours + segments), "a living process keeps its files"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        remove_dead_segments()  # (a concurrent test's runner may have removed them first)
        assert not any(p.exists() for p in ours + segments)
    finally:
        child.kill()
        child.wait(timeout=10)
