"""One emotion_ros node (or any ROS 2 executable) run as a child process.

Used by the graph runner (``emotion-ros run``) and by the process-level tests, so that both start
nodes exactly as ``ros2 run`` would: a separate process with ``--ros-args`` and a parameter file.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import yaml

from emotion_ros.package_paths import installed_executable_directory

# A parent's marker would stop the ROS wheels' bootstrap in the child from setting up its library
# path, and the child then fails to import rclpy (shared/ROS_WHEELS.md).
_BOOTSTRAP_MARKER = "_ROS_WHEELS_BOOTSTRAP_COMPLETE"


def find_executable(name: str) -> str:
    """Return the path of an entry point.

    Looked up in the running Python's bin/ (the .venv), then where ``ros2 run`` looks on a ROS
    install (``lib/emotion_ros``, which is not on PATH), then on PATH.
    """
    directories = [Path(sys.prefix) / "bin", installed_executable_directory()]
    for directory in filter(None, directories):
        candidate = directory / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        searched = ", ".join(str(d) for d in directories if d)
        raise FileNotFoundError(
            f"executable {name!r} not found in {searched} or on PATH; "
            "run tools/setup_venv.sh (or build and source your ROS workspace)"
        )
    return found


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment for a child ROS process (this one's, minus the bootstrap marker)."""
    env = {k: v for k, v in os.environ.items() if k != _BOOTSTRAP_MARKER}
    env.setdefault("PYTHONUNBUFFERED", "1")
    if extra:
        env.update(extra)
    return env


class NodeProcess:
    """A node started with ``<executable> --ros-args [--params-file f] [-r remaps] [args]``.

    Parameters go through a temporary YAML file under the ``/**`` wildcard, so lists and nested
    values need no command-line quoting. Output goes to ``log_path``.
    """

    def __init__(
        self,
        executable: str,
        *,
        node_name: str | None = None,
        params: dict[str, Any] | None = None,
        params_files: list[Path] | None = None,
        remappings: dict[str, str] | None = None,
        ros_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.executable = executable
        self.node_name = node_name
        self.params = params or {}
        self.params_files = params_files or []
        self.remappings = remappings or {}
        self.ros_args = ros_args or []
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.started_s = 0.0  # monotonic time of the latest start
        self._interrupted = False  # SIGINT sent to the latest start
        self._log_file: IO[bytes] | None = None
        self._tmp_params: Path | None = None

    def command(self) -> list[str]:
        """Return the full command line (writes the parameter override file on first use)."""
        args = [find_executable(self.executable), "--ros-args"]
        if self.node_name:
            args += ["-r", f"__node:={self.node_name}"]
        for path in self.params_files:
            args += ["--params-file", str(path)]
        if self.params:
            if self._tmp_params is None:
                fd, name = tempfile.mkstemp(prefix=f"{self.executable}-", suffix=".yaml")
                with os.fdopen(fd, "w") as f:
                    yaml.safe_dump({"/**": {"ros__parameters": self.params}}, f)
                self._tmp_params = Path(name)
            args += ["--params-file", str(self._tmp_params)]
        for source, target in self.remappings.items():
            args += ["-r", f"{source}:={target}"]
        return args + self.ros_args

    def start(self) -> "NodeProcess":
        """Start the process; its output goes to log_path (or is inherited when None).

        Started again (a respawn), it appends to the same log.
        """
        if self.log_path is not None and self._log_file is None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command(),
            env=child_environment(self.env),
            stdout=self._log_file,
            stderr=subprocess.STDOUT if self._log_file else None,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._interrupted = False
        self.started_s = time.monotonic()
        return self

    def is_running(self) -> bool:
        """Return True while the process has not exited."""
        return self.process is not None and self.process.poll() is None

    def interrupt(self) -> None:
        """Ask the node to shut down (SIGINT, like Ctrl-C) without waiting; ``stop`` waits.

        A graph asks all its nodes first, so they shut down together, not one after another.
        """
        if self.is_running() and not self._interrupted:
            self.process.send_signal(signal.SIGINT)
            self._interrupted = True

    def stop(self, timeout_s: float = 5.0) -> int | None:
        """Interrupt the node, give it ``timeout_s`` to shut down, then kill its process group
        (the node and anything it started); return its exit code."""
        code = None
        if self.process is not None:
            self.interrupt()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):  # it exited just now
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            code = self.process.returncode
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._tmp_params is not None:
            self._tmp_params.unlink(missing_ok=True)
            self._tmp_params = None
        return code

    def read_log(self) -> str:
        """Return what the process has written so far (empty when it logs to the terminal)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def __enter__(self) -> "NodeProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
