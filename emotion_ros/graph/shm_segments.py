"""Removes the shared memory that Fast DDS processes killed by a signal leave behind (no ROS).

Every Fast DDS participant maps one segment in ``/dev/shm`` (8 MB with the project's profile,
``config/fastdds_large_frames.xml``) and deletes it when it exits, but not when it is killed
(SIGKILL, the OOM killer, a segfault). ``/dev/shm`` is memory: measured here, a day of tests and
respawn benches left 297 files and 258 MB, and in a container with Docker's default 64 MB
``/dev/shm`` a graph whose nodes crashed six times cannot map a segment for the next one (its
frames then go through UDP fragments, and best-effort frames are lost). ``emotion-ros run``
removes them when a node has died, before it starts the node again.

The dead process's port (``fastdds_port<N>``, where others send it messages) goes too: the node
started again takes the same port number, and finding it left behind, Fast DDS waits the whole
``healthy_check_timeout_ms`` for its dead listener before it makes a new one.

A segment ``fastdds_<16 hex>`` or a port comes with a lock file (``..._el``) that its owner holds
(flock) while it lives: a lock file nobody holds belongs to a dead process (the protocol of Fast
DDS's own ``fastdds shm clean``). Files younger than ``MIN_AGE_S`` are left alone, so that a
process that has just created its segment and not yet locked it keeps it.
"""

import fcntl
import os
import re
import time
from pathlib import Path

SHM_DIR = Path("/dev/shm")
MIN_AGE_S = 1.0
_LOCK_FILE = re.compile(r"^fastdds_(?:[0-9a-z]{16}|port(\d+))_el$")


def _held(lock_file: Path) -> bool:
    """True when a living process holds the lock (or the file cannot be checked)."""
    try:
        with lock_file.open("ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
    except OSError:
        return True
    return False


def remove_dead_segments(shm_dir: Path = SHM_DIR, min_age_s: float = MIN_AGE_S) -> int:
    """Remove the segments and ports (with their lock files) of dead Fast DDS processes; return
    how many bytes were freed. Those of living processes are never touched."""
    freed = 0
    now = time.time()
    try:
        names = os.listdir(shm_dir)
    except OSError:  # no /dev/shm (another OS): nothing to clean
        return 0
    for name in names:
        if not (match := _LOCK_FILE.match(name)):
            continue
        lock_file = shm_dir / name
        data = shm_dir / name.removesuffix("_el")
        files = [data, lock_file]
        if match.group(1):  # a port also has a named semaphore
            files.append(shm_dir / f"sem.{data.name}_mutex")
        try:
            if now - lock_file.stat().st_mtime < min_age_s or _held(lock_file):
                continue
            size = data.stat().st_size if data.exists() else 0
            for path in files:
                path.unlink(missing_ok=True)
        except OSError:  # another cleaner got there first, or not ours to remove
            continue
        freed += size
    return freed
