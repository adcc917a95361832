"""Test isolation and helpers shared by the whole suite.

Every test session gets its own ROS_DOMAIN_ID (so parallel runs on one machine do not see each
other), discovery limited to this machine, and its own ROS_LOG_DIR (nothing is written to ~/.ros).
These are set at import time, before any test can initialise rclpy. pytest-xdist's workers
(``-n`` in pyproject.toml) are separate processes that each import this file, so each worker is a
session of its own here: its own domain, log folder and fixtures.
"""

import atexit
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

_DOMAIN_LOCKS: list[Any] = []


def _claim_free_domain_id() -> str:
    """A ROS domain that no other test session on this machine holds (an flock per domain).

    Ids 50-101: ROS's safe range is 0-101, and the low ids are what people use by hand. The lock
    file stays open for the life of the session, and the kernel releases it when the session ends.
    """
    for domain in range(50, 102):
        path = Path(tempfile.gettempdir()) / f"emotion_ros_test_domain_{domain}.lock"
        lock = path.open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        _DOMAIN_LOCKS.append(lock)
        return str(domain)
    raise RuntimeError("every ROS domain 50-101 is held by another emotion_ros test session")


def _domain_id() -> str:
    """EMOTION_ROS_TEST_DOMAIN_ID when it is set (plus the xdist worker's number, so that workers
    stay apart: gw0 gets the id itself, gw1 the next one), else a free domain."""
    given = os.environ.get("EMOTION_ROS_TEST_DOMAIN_ID")
    if not given:
        return _claim_free_domain_id()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return str(int(given) + int(worker.removeprefix("gw")))


os.environ["ROS_DOMAIN_ID"] = _domain_id()
os.environ["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
os.environ["ROS_LOG_DIR"] = tempfile.mkdtemp(prefix="emotion_ros_test_ros_log_")
atexit.register(shutil.rmtree, os.environ["ROS_LOG_DIR"], ignore_errors=True)
# Torch and onnxruntime would otherwise each take every core of the 2-core CI machine per process.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _whole_graphs_one_at_a_time(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Tests marked ``whole_graph`` run one at a time across the xdist workers.

    Each plays the bundled clip in real time through every node, which takes most of the 2-core
    CI machine: two at once drop frames that the tests rightly require to be answered. The lock
    file lies in the folder that all workers of this run share (and only they).
    """
    if request.node.get_closest_marker("whole_graph") is None or (
        "PYTEST_XDIST_WORKER" not in os.environ
    ):
        yield
        return
    with (tmp_path_factory.getbasetemp().parent / "whole_graph.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture
def ros_node_process(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Factory: start an entry point as a separate process; every process is stopped afterwards.

    ``ros_node_process("face_node", params={...}, remappings={...})`` returns a started
    ``NodeProcess``; its output is in ``.read_log()`` (shown when a test fails).
    """
    from emotion_ros.graph.node_process import NodeProcess

    started: list[NodeProcess] = []

    def start(executable: str, **kwargs: Any) -> NodeProcess:
        log_path = tmp_path / f"{executable}-{len(started)}.log"
        process = NodeProcess(executable, log_path=log_path, **kwargs).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
        log = process.read_log()
        if log:
            print(f"----- {process.executable} log -----\n{log[-4000:]}")


@pytest.fixture
def ros_listener() -> Iterator[Any]:
    """A ``TopicCollector`` (own rclpy context and spin thread) for the test process."""
    from emotion_ros.graph.topic_collector import TopicCollector

    collector = TopicCollector(f"test_listener_{os.getpid()}")
    yield collector
    collector.close()
