"""Removes the shared-memory segments that Fast DDS processes killed by a signal leave behind
(no ROS).

Every Fast DDS participant maps one segment in ``/dev/shm`` (8 MB with the project's profile,
``config/fastdds_large_frames.xml``) and deletes it when it exits, but not when it is killed
(SIGKILL, the OOM killer, a segfault). ``/dev/shm`` is memory: measured here, a day of tests and
respawn benches left 297 files and 258 MB, and in a container with Docker's default 64 MB
``/dev/shm`` a graph whose nodes crashed six times cannot map a segment for the next one (its
frames then go through UDP fragments, and best-effort frames are lost). ``emotion-ros run``
removes them when a node has died, before it starts the node again.

A segment ``fastdds_<16 hex>`` comes with a lock file ``fastdds_<16 hex>_el`` that its owner holds
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
MIN_AGE_S = 5.0
_LOCK_FILE = re.compile(r"^fastdds_[0-9a-z]{16}_el$")


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
    """Remove the segments (and their lock files) of dead Fast DDS processes; return how many
    bytes were freed. Segments of living processes are never touched."""
    freed = 0
    now = time.time()
    try:
        names = os.listdir(shm_dir)
    except OSError:  # no /dev/shm (another OS): nothing to clean
        return 0
    for name in names:
        lock_file = shm_dir / name
        if not _LOCK_FILE.match(name):
            continue
        segment = shm_dir / name.removesuffix("_el")
        try:
            if now - lock_file.stat().st_mtime < min_age_s or _held(lock_file):
                continue
            size = segment.stat().st_size if segment.exists() else 0
            segment.unlink(missing_ok=True)
            lock_file.unlink(missing_ok=True)
        except OSError:  # another cleaner got there first, or not ours to remove
            continue
        freed += size
    return freed
