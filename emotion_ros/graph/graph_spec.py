"""The node graphs of ``config/graphs.yaml``: which nodes, with which parameter files.

``emotion-ros run`` (graph_runner), the launch files (launch_description) and offline evaluation
read the graphs from here, so the nodes, their parameter files and remappings are written once.
Plain Python: no ROS.
"""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emotion_ros.node_config import merged_parameters, node_defaults
from emotion_ros.package_paths import share_path
from emotion_ros.yaml_files import read_yaml


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

    def node(self, name: str) -> NodeSpec:
        """The node called ``name``.

        Raises:
            GraphConfigError: the graph has no such node.
        """
        for node in self.nodes:
            if node.name == name:
                return node
        known = ", ".join(n.name for n in self.nodes)
        raise GraphConfigError(f"graph {self.name!r} has no node {name!r}; it has {known}")

    def parameters(self, name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The parameters node ``name`` runs with: its files, the graph's overrides, then yours."""
        node = self.node(name)
        return merged_parameters(name, node.params_files, {**node.overrides, **(overrides or {})})

    def check_overrides(self, overrides: dict[str, dict[str, Any]]) -> None:
        """Refuse overrides of nodes the graph lacks or parameters the node does not declare.

        A typo (``model_dir`` for ``models_dir``) would otherwise be accepted by ROS and change
        nothing. A node declares exactly the parameters of ``config/<executable>.yaml``.

        Raises:
            GraphConfigError: naming the closest known node or parameter.
        """
        for name, values in overrides.items():
            nodes = [n.name for n in self.nodes]
            if name not in nodes:
                raise GraphConfigError(
                    f"graph {self.name!r} has no node {name!r}{_closest(name, nodes)}"
                )
            known = node_defaults(self.node(name).executable)
            for parameter in values:
                if parameter not in known:
                    raise GraphConfigError(
                        f"{name} has no parameter {parameter!r}{_closest(parameter, known)}"
                    )


def _closest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


def load_graphs_file(config_dir: Path | None = None) -> dict[str, Any]:
    """Return the parsed graphs.yaml (from ``config_dir`` or the package's config/)."""
    path = (config_dir or share_path("config")) / "graphs.yaml"
    try:
        data = read_yaml(path)
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
