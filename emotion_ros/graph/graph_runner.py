"""Starts a node graph from ``config/graphs.yaml`` as separate processes.

The same file describes the graph for ``launch/webcam.launch.py`` on a ROS install, so the nodes,
their parameter files and remappings are written once. This runner is for machines without the
``ros2`` CLI (``emotion-ros run``) and for the end-to-end tests.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from emotion_ros.graph.node_process import NodeProcess
from emotion_ros.package_paths import share_path


class GraphConfigError(ValueError):
    """graphs.yaml is missing, malformed, or does not name the graph asked for."""


@dataclass(frozen=True)
class NodeSpec:
    """One node of a graph: which entry point, with which parameters and remappings."""

    executable: str
    name: str
    params_files: tuple[Path, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    remappings: dict[str, str] = field(default_factory=dict)
    lifecycle: bool = False  # a lifecycle node: ready once it is active, not merely visible
    source: bool = False  # a camera, microphone or file: started once the other nodes are ready


@dataclass(frozen=True)
class GraphSpec:
    """A named set of nodes."""

    name: str
    description: str
    nodes: tuple[NodeSpec, ...]


def load_graphs_file(config_dir: Path | None = None) -> dict[str, Any]:
    """Return the parsed graphs.yaml (from ``config_dir`` or the package's config/)."""
    path = (config_dir or share_path("config")) / "graphs.yaml"
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise GraphConfigError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("graphs"), dict):
        raise GraphConfigError(f"{path} has no 'graphs:' mapping")
    return data["graphs"]


def load_graph(name: str, config_dir: Path | None = None) -> GraphSpec:
    """Return the graph called ``name``; parameter file names resolve against the config dir."""
    config_dir = config_dir or share_path("config")
    graphs = load_graphs_file(config_dir)
    if name not in graphs:
        raise GraphConfigError(f"no graph {name!r} in graphs.yaml; known: {', '.join(graphs)}")
    entry = graphs[name]
    nodes = []
    for node in entry.get("nodes", []):
        executable = node["executable"]
        nodes.append(
            NodeSpec(
                executable=executable,
                name=node.get("name", executable),
                params_files=tuple(config_dir / f for f in node.get("params", [])),
                overrides=dict(node.get("overrides") or {}),
                remappings=dict(node.get("remappings") or {}),
                lifecycle=bool(node.get("lifecycle", False)),
                source=bool(node.get("source", False)),
            )
        )
    return GraphSpec(name=name, description=entry.get("description", ""), nodes=tuple(nodes))


class GraphRunner:
    """Runs every node of a graph as its own process; a context manager that stops them all."""

    def __init__(
        self,
        graph: GraphSpec,
        param_overrides: dict[str, dict[str, Any]] | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
        ready_timeout_s: float = 60.0,
    ) -> None:
        overrides = param_overrides or {}
        unknown = set(overrides) - {node.name for node in graph.nodes}
        if unknown:
            raise GraphConfigError(
                f"overrides name nodes that graph {graph.name!r} does not have: {sorted(unknown)}"
            )
        self.graph = graph
        self.ready_timeout_s = ready_timeout_s
        self.processes = [
            NodeProcess(
                node.executable,
                node_name=node.name,
                params_files=list(node.params_files),
                params={**node.overrides, **overrides.get(node.name, {})},
                remappings=node.remappings,
                env=env,
                log_path=log_dir / f"{node.name}.log" if log_dir else None,
            )
            for node in graph.nodes
        ]

    def start(self) -> "GraphRunner":
        """Start the graph; return once every node is up and every lifecycle node is active.

        The sources start last, once the other nodes are ready: otherwise the first seconds of a
        clip are played into nodes that are still loading MediaPipe or the models, and are lost.

        Raises:
            RuntimeError: a node exited, or was not ready within ``ready_timeout_s``.
        """
        for is_source in (False, True):
            group = [
                (process, spec)
                for process, spec in zip(self.processes, self.graph.nodes, strict=True)
                if spec.source == is_source
            ]
            for process, _ in group:
                process.start()
            self._wait_ready(group, self.ready_timeout_s)
        return self

    def _wait_ready(self, group: list[tuple[NodeProcess, NodeSpec]], timeout_s: float) -> None:
        from emotion_ros.graph.topic_collector import TopicCollector

        pending = {process.node_name: spec.lifecycle for process, spec in group}
        states: dict[str, str] = {}
        deadline = time.monotonic() + timeout_s
        with TopicCollector("graph_runner_probe") as probe:
            while pending:
                self.check_running()
                visible = {name for name, _ in probe.node.get_node_names_and_namespaces()}
                for name in sorted(pending.keys() & visible):
                    states[name] = probe.lifecycle_state(name) if pending[name] else "up"
                    if states[name] in ("up", "active"):
                        del pending[name]
                if pending and time.monotonic() > deadline:
                    waiting = ", ".join(f"{n} ({states.get(n, 'not visible')})" for n in pending)
                    raise RuntimeError(f"nodes not ready after {timeout_s:.0f} s: {waiting}")
                time.sleep(0.2)

    def check_running(self) -> None:
        """Raise RuntimeError naming the first started node whose process has exited."""
        for process in self.processes:
            if process.process is not None and not process.is_running():
                code = process.process.returncode if process.process else None
                raise RuntimeError(
                    f"{process.node_name} exited with code {code}\n{process.read_log()[-3000:]}"
                )

    def stop(self) -> None:
        """Stop the nodes in reverse order (sources last started are stopped first)."""
        for process in reversed(self.processes):
            process.stop()

    def __enter__(self) -> "GraphRunner":
        try:
            return self.start()
        except BaseException:
            self.stop()  # a graph that did not come up leaves no processes behind
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
