"""Starts a node graph from ``config/graphs.yaml`` as separate processes.

The same file describes the graph for ``launch/webcam.launch.py`` on a ROS install, so the nodes,
their parameter files and remappings are written once. This runner is for machines without the
``ros2`` CLI (``emotion-ros run``) and for the end-to-end tests.

A node that cannot come up stops the start (``start`` raises with the node's own errors). Once the
graph is up, ``keep_running`` starts every node that exits again (``graph/respawn.py``), as the
launch files' ``respawn`` does.
"""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emotion_ros.graph.graph_spec import GraphSpec, NodeSpec
from emotion_ros.graph.node_process import NodeProcess
from emotion_ros.graph.respawn import Respawn
from emotion_ros.graph.shm_segments import remove_dead_segments

# A lifecycle node answers get_state only while it spins, and autostart walks it to *active*
# before it spins (ros/node_runner.py). So under autostart, an answer other than "active" is where
# a failed transition left the node, and it will not move on: report it now, not after a timeout.
_STUCK_STATES = {
    "unconfigured": "could not configure",
    "inactive": "could not activate",
    "finalized": "shut down",
}


class GraphRunner:
    """Runs every node of a graph as its own process; a context manager that stops them all."""

    def __init__(
        self,
        graph: GraphSpec,
        param_overrides: dict[str, dict[str, Any]] | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
        ready_timeout_s: float = 60.0,
        report: Callable[[str], object] = print,
        sim_time: bool = False,
    ) -> None:
        """``sim_time``: every node runs with ``use_sim_time`` (its clock is /clock: a bag
        replayed with its clock)."""
        overrides = param_overrides or {}
        graph.check_overrides(overrides)
        self.graph = graph
        self.ready_timeout_s = ready_timeout_s
        self._log: Any = None  # /rosout while start() runs: the nodes' own errors
        self._autostart = {
            node.name: bool(graph.parameters(node.name, overrides.get(node.name))["autostart"])
            for node in graph.nodes
            if node.lifecycle
        }
        self.processes = [
            NodeProcess(
                node.executable,
                node_name=node.name,
                params_files=list(node.params_files),
                params={**node.overrides, **overrides.get(node.name, {})},
                remappings=node.remappings,
                env=env,
                log_path=log_dir / f"{node.name}.log" if log_dir else None,
                ros_args=["-p", "use_sim_time:=true"] if sim_time else None,
            )
            for node in graph.nodes
        ]
        self._respawns = {process.node_name: Respawn() for process in self.processes}
        self._report = report  # where restart lines go (emotion-ros run: the terminal)

    def start(self) -> "GraphRunner":
        """Start the graph; return once every node is up and every lifecycle node is active.

        The sources start last, once the other nodes are ready: otherwise the first seconds of a
        clip are played into nodes that are still loading MediaPipe or the models, and are lost.

        Raises:
            RuntimeError: a node exited, a lifecycle node could not configure or activate (with
                the errors it logged), or a node was not ready within ``ready_timeout_s``.
        """
        from emotion_ros.graph.topic_collector import TopicCollector

        # one probe for both groups: each new DDS participant has to discover the graph again
        with TopicCollector("graph_runner_probe") as probe:
            self._log = probe.subscribe_log()
            for is_source in (False, True):
                group = [
                    (process, spec)
                    for process, spec in zip(self.processes, self.graph.nodes, strict=True)
                    if spec.source == is_source
                ]
                for process, _ in group:
                    process.start()
                self._wait_ready(probe, group)
        return self

    def _wait_ready(self, probe: Any, group: list[tuple[NodeProcess, NodeSpec]]) -> None:
        pending = {process.node_name: spec.lifecycle for process, spec in group}
        states: dict[str, str] = {}
        deadline = time.monotonic() + self.ready_timeout_s
        while pending:
            self.check_running()
            visible = {name for name, _ in probe.node.get_node_names_and_namespaces()}
            for name in sorted(pending.keys() & visible):
                states[name] = probe.lifecycle_state(name) if pending[name] else "up"
                if states[name] in ("up", "active"):
                    del pending[name]
                elif states[name] in _STUCK_STATES and self._autostart[name]:
                    raise RuntimeError(self._stuck_message(name, states[name]))
            if pending and time.monotonic() > deadline:
                waiting = ", ".join(f"{n} ({states.get(n, 'not visible')})" for n in pending)
                raise RuntimeError(f"nodes not ready after {self.ready_timeout_s:.0f} s: {waiting}")
            time.sleep(0.2)

    def _stuck_message(self, name: str, state: str) -> str:
        """Name the node, what failed, and the errors it logged (the cause, e.g. a model file)."""
        errors = self._logged_errors(name)
        lines = [f"{name} {_STUCK_STATES[state]} (it stays {state}); it logged:"]
        lines += [f"  {line}" for line in errors] or ["  no error (see its log)"]
        log_path = next(p.log_path for p in self.processes if p.node_name == name)
        if log_path is not None:
            lines.append(f"its log: {log_path}")
        return "\n".join(lines)

    def _logged_errors(self, name: str, wait_s: float = 3.0) -> list[str]:
        """The ERROR and FATAL lines node ``name`` sent to /rosout during start().

        Waits up to ``wait_s`` for the first one: the node's log and its lifecycle state travel
        on different topics, so the state can arrive first.
        """
        from rcl_interfaces.msg import Log

        def errors(messages: list[Any]) -> list[str]:
            return [m.msg for m in messages if m.name == name and m.level >= Log.ERROR]

        self._log.wait_until(lambda messages: bool(errors(messages)), wait_s)
        return errors(list(self._log.messages))

    def check_running(self) -> None:
        """Raise RuntimeError naming the first started node whose process has exited."""
        for process in self.processes:
            if process.process is not None and not process.is_running():
                code = process.process.returncode
                raise RuntimeError(
                    f"{process.node_name} exited with code {code}\n{process.read_log()[-3000:]}"
                )

    def keep_running(self) -> None:
        """Restart the nodes that exited since the graph came up; call it every few tenths of a
        second after ``start``. Each exit and each restart is reported with the node's count."""
        now = time.monotonic()
        for process in self.processes:
            respawn = self._respawns[process.node_name]
            if process.process is None or process.is_running():
                continue
            if respawn.due_s is None:
                delay = respawn.exited(now, now - process.started_s)
                code = process.process.returncode
                self._report(
                    f"{process.node_name} exited with code {code}; "
                    f"restarting it in {delay:g} s (restart {respawn.restarts + 1})"
                )
                if code < 0 and (freed := remove_dead_segments()):  # killed by a signal
                    self._report(f"removed {freed / 1e6:.1f} MB of shared memory left in /dev/shm")
            elif respawn.due(now):
                process.start()
                respawn.restarted()
                self._report(
                    f"{process.node_name} restarted (restart {respawn.restarts}, "
                    f"pid {process.process.pid})"
                )

    def restarts(self) -> dict[str, int]:
        """How often each node was restarted."""
        return {name: respawn.restarts for name, respawn in self._respawns.items()}

    def stop(self, grace_s: float = 5.0) -> None:
        """Stop every node: all are interrupted at once (sources first), then each one still
        running when ``grace_s`` is over is killed.

        At once, so that a graph stops within one grace period, not one per node. A second
        Ctrl-C or SIGTERM meanwhile kills the nodes that are left at once and is raised after.
        """
        processes = list(reversed(self.processes))
        for process in processes:
            process.interrupt()
        deadline = time.monotonic() + grace_s
        try:
            for process in processes:
                process.stop(max(0.0, deadline - time.monotonic()))
        finally:
            for process in processes:
                process.stop(0.0)

    def __enter__(self) -> "GraphRunner":
        try:
            return self.start()
        except BaseException:
            self.stop()  # a graph that did not come up leaves no processes behind
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
